package io.mcpca.shared.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.AsyncExecutions;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.mcpca.shared.keys.Keys;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the Redis this process uses as gauges: from {@code INFO} memory, clients, ops/s, evictions and
 * replication role, and the length of every pool's request streams (summed over partitions) and dead-letter
 * stream. Every process runs one (dashboards take the max over instances). A scrape reads Redis at most once per
 * {@link #REFRESH}: one {@code INFO} and one {@code XLEN} per stream, pipelined, waited for at most
 * {@link #TIMEOUT}; while Redis cannot answer, the gauges read NaN (no value) instead of a stale one.
 * <p>On a Cluster the INFO gauges are the cluster's: every master's INFO, the counts summed ({@link #SUMMED}), so the
 * memory panel shows the data of all slots, not of whichever node a routed INFO reached; the stream lengths sum the
 * partitions wherever their slots live.
 */
public final class RedisInfoExporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisInfoExporter.class);
    /** Scrapes come every 5-15 s; several meters read one snapshot, so one read a second is plenty. */
    static final Duration REFRESH = Duration.ofSeconds(1);
    /** Far above a healthy Redis's answer; short enough that a hung Redis does not hang the scrape. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** The INFO fields the gauges read that add up over a cluster's masters. */
    static final List<String> SUMMED = List.of("used_memory", "maxmemory", "connected_clients",
            "instantaneous_ops_per_sec", "evicted_keys");

    /** One read of Redis: INFO's fields, and stream lengths by kind ("request", "dlq") and pool. */
    record Snapshot(Map<String, String> info, Map<String, Long> streamLengths, long atNanos) {
        static final Snapshot NONE = new Snapshot(Map.of(), Map.of(), Long.MIN_VALUE);
    }

    private final RedisConnection<String, String> connection;
    private final Keys keys;
    private final List<String> pools;
    private final int partitions;
    private final LongSupplier nanoTime;
    private Snapshot snapshot = Snapshot.NONE;

    /** @param connection its own connection (closed with the exporter) */
    public RedisInfoExporter(RedisConnection<String, String> connection, Keys keys, Collection<String> pools,
                             int partitions, LongSupplier nanoTime) {
        this.connection = connection;
        this.keys = keys;
        this.pools = List.copyOf(pools);
        this.partitions = partitions;
        this.nanoTime = nanoTime;
    }

    /** Registers the gauges (not a MeterBinder bean: it needs Redis, and Redis's client needs the registry). */
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "mcpca.redis.memory.used", "used_memory", "bytes", "Memory Redis uses (INFO used_memory)");
        gauge(registry, "mcpca.redis.memory.max", "maxmemory", "bytes", "Redis maxmemory; 0: no limit");
        gauge(registry, "mcpca.redis.clients.connected", "connected_clients", null, "Clients connected to Redis");
        gauge(registry, "mcpca.redis.ops.per.second", "instantaneous_ops_per_sec", null,
                "Commands Redis processes per second (INFO instantaneous_ops_per_sec)");
        FunctionCounter.builder("mcpca.redis.evicted.keys", this, e -> e.infoNumber("evicted_keys"))
                .description("Keys Redis evicted for maxmemory since its start").register(registry);
        Gauge.builder("mcpca.redis.master", this, e -> {
            String role = e.current().info().get("role");
            return role == null ? Double.NaN : "master".equals(role) ? 1 : 0;
        }).description("1 when the Redis this process uses is a master, 0 for a replica").register(registry);
        for (String pool : pools) {
            for (String kind : List.of("request", "dlq")) {
                Gauge.builder("mcpca.redis.stream.length", this, e -> e.streamLength(kind, pool))
                        .tag("kind", kind).tag("pool", pool)
                        .description("Entries in the pool's request streams (all partitions) or dead-letter stream")
                        .register(registry);
            }
        }
    }

    private void gauge(MeterRegistry registry, String name, String field, String unit, String description) {
        Gauge.builder(name, this, (ToDoubleFunction<RedisInfoExporter>) e -> e.infoNumber(field))
                .baseUnit(unit).description(description).register(registry);
    }

    double infoNumber(String field) {
        String value = current().info().get(field);
        if (value == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    double streamLength(String kind, String pool) {
        Long length = current().streamLengths().get(kind + ":" + pool);
        return length == null ? Double.NaN : length;
    }

    /** The last snapshot, read again when older than {@link #REFRESH}. */
    synchronized Snapshot current() {
        long now = nanoTime.getAsLong();
        if (snapshot != Snapshot.NONE && now - snapshot.atNanos() < REFRESH.toNanos()) {
            return snapshot;
        }
        try {
            snapshot = read(now);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("Redis INFO not read: {}", e.toString());
            snapshot = new Snapshot(Map.of(), Map.of(), now);
        }
        return snapshot;
    }

    private Snapshot read(long now) throws Exception {
        RedisClusterAsyncCommands<String, String> redis = connection.async();
        CompletableFuture<Map<String, String>> info = connection.isCluster()
                ? mastersInfo((RedisAdvancedClusterAsyncCommands<String, String>) redis)
                : redis.info().thenApply(RedisInfoExporter::parse).toCompletableFuture();
        Map<String, List<RedisFuture<Long>>> lengths = new LinkedHashMap<>();
        for (String pool : pools) {
            List<RedisFuture<Long>> request = new ArrayList<>();
            for (int n = 0; n < partitions; n++) {
                request.add(redis.xlen(keys.requestStream(pool, n)));
            }
            lengths.put("request:" + pool, request);
            lengths.put("dlq:" + pool, List.of(redis.xlen(keys.deadLetters(pool))));
        }
        long until = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, String> fields = info.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        Map<String, Long> streams = new HashMap<>();
        for (Map.Entry<String, List<RedisFuture<Long>>> e : lengths.entrySet()) {
            long sum = 0;
            for (RedisFuture<Long> f : e.getValue()) {
                sum += f.get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            streams.put(e.getKey(), sum);
        }
        return new Snapshot(fields, streams, now);
    }

    /** Every master's INFO, one set of fields: {@link #SUMMED} added up, the role "master"; fails if one fails. */
    private static CompletableFuture<Map<String, String>> mastersInfo(
            RedisAdvancedClusterAsyncCommands<String, String> cluster) {
        AsyncExecutions<String> infos = cluster.upstream().commands().info();
        return infos.thenApply(answers -> {
            List<Map<String, String>> nodes = answers.stream().map(RedisInfoExporter::parse).toList();
            Map<String, String> fields = new HashMap<>();
            fields.put("role", "master");
            for (String field : SUMMED) {
                if (nodes.stream().allMatch(n -> n.containsKey(field))) {
                    fields.put(field, Long.toString(nodes.stream().mapToLong(n -> Long.parseLong(n.get(field))).sum()));
                }
            }
            return fields;
        }).toCompletableFuture();
    }

    /**
     * The fields of an {@code INFO} answer: {@code name:value} lines (a value may hold colons), sections
     * ({@code # Memory}) and blank lines skipped, CRLF or LF.
     */
    public static Map<String, String> parse(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    @Override
    public void close() {
        connection.close();
    }
}
