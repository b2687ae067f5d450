package io.mcpca.shared.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * One worker's entry in the {@code mcpca:workers} hash (field = worker id, value = this record as JSON): written
 * by the worker's heartbeat, read by anyone who wants the live workers (the {@code mcpca.workers.live} meter,
 * the ingress's Prometheus service discovery).
 *
 * @param version           layout version of this record
 * @param workerId          consumer name in the pools' groups
 * @param pools             pools it reads
 * @param tools             tool name to contract version, for the tools of those pools
 * @param concurrency       calls at once per pool
 * @param heartbeatAtMs     epoch ms of the last heartbeat
 * @param startedAtMs       epoch ms of the start
 * @param heartbeatPeriodMs how often it beats; it counts as gone after {@link #STALE_AFTER_PERIODS} missed beats
 * @param metricsAddress    {@code host:port} of its own actuator ({@code /actuator/prometheus}); empty when it has
 *                          none of its own (a worker inside an ingress process is scraped with the ingress)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkerRegistration(int version, String workerId, List<String> pools, Map<String, String> tools,
                                 int concurrency, long heartbeatAtMs, long startedAtMs, long heartbeatPeriodMs,
                                 String metricsAddress) {

    /** 2: heartbeatPeriodMs and metricsAddress added (a version 1 record reads with 0 and empty). */
    public static final int VERSION = 2;
    /** Missed heartbeats after which a worker counts as gone. */
    public static final int STALE_AFTER_PERIODS = 3;

    public WorkerRegistration {
        pools = pools == null ? List.of() : List.copyOf(pools);
        tools = tools == null ? Map.of() : Map.copyOf(tools);
        metricsAddress = metricsAddress == null ? "" : metricsAddress;
    }

    /** The same registration with a fresh heartbeat. */
    public WorkerRegistration beatAt(long nowMs) {
        return new WorkerRegistration(version, workerId, pools, tools, concurrency, nowMs, startedAtMs,
                heartbeatPeriodMs, metricsAddress);
    }

    /** The same registration advertising {@code address} for its metrics. */
    public WorkerRegistration withMetricsAddress(String address) {
        return new WorkerRegistration(version, workerId, pools, tools, concurrency, heartbeatAtMs, startedAtMs,
                heartbeatPeriodMs, address);
    }

    /**
     * Whether its heartbeat is recent at {@code nowMs}: within {@link #STALE_AFTER_PERIODS} of its period, or of
     * {@code defaultPeriodMs} for a record that does not say its own.
     */
    public boolean isLive(long nowMs, long defaultPeriodMs) {
        long period = heartbeatPeriodMs > 0 ? heartbeatPeriodMs : defaultPeriodMs;
        return heartbeatAtMs >= nowMs - STALE_AFTER_PERIODS * period;
    }
}
