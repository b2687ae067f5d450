package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.mcpca.app.PipelineHarness;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisCluster;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live resharding under load (issue 19: "a worker follows resharding ... without restarting"): a real 3-master
 * Redis Cluster, an MCP ingress and a worker, 8 clients calling without pause; meanwhile the slot of every key the
 * calls use (the four request partitions, the ingress's reply stream, sessions, leases, call records, the worker
 * registry) moves to another master the way {@code redis-cli --cluster reshard} moves it (IMPORTING / MIGRATING,
 * MIGRATE of its keys, SETSLOT NODE on every master). Promised, and checked: every call returns within its deadline
 * with its own answer or a clear retryable refusal at submit (nothing the ingress accepted is lost); every call
 * started 3 s after the last move is answered; MIGRATE kept each partition's consumer group, and after the move each
 * partition is read on its new master (its group's last-delivered-id advances there), nothing left pending.
 */
class ClusterReshardIT {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** As ClusterFailoverIT: HTTP and scheduling slack on a loaded 2-core box. */
    private static final Duration SLACK = Duration.ofSeconds(3);
    /** Calls started this long after the last slot moved must all be answered. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final int CALLERS = 8;
    private static final int PARTITIONS = 4;
    /** At most this many slots move (each a few redis-cli runs): the partitions' and reply stream's, then others. */
    private static final int MAX_SLOTS = 8;

    @TempDir
    Path dir;

    @Test
    void callsFlowWhileTheirSlotsMoveAndEachPartitionIsReadOnItsNewMaster() throws Exception {
        String prefix = "rs" + UUID.randomUUID().toString().substring(0, 8);
        Keys keys = new Keys(prefix);
        String ingressId = "reshard-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisCluster cluster = RedisCluster.start(0, List.of());
             PipelineHarness harness = new PipelineHarness(cluster.uri(), prefix, dir,
                     "--mcpca.ingress.call-timeout=" + CALL_TIMEOUT.toMillis() + "ms",
                     "--mcpca.ingress.rate-limit-per-second=0", "--mcpca.ingress.redis-retry-after=500ms",
                     "--mcpca.ingress.id=" + ingressId, "--mcpca.worker.min-idle=3s",
                     "--mcpca.worker.reclaim-period=500ms");
             FaultIngress direct = new FaultIngress(cluster.uri(), prefix)) {
            List<McpSyncClient> clients = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                clients.add(harness.client());
            }
            CallerLoad load = CallerLoad.start(CALLERS, Long.MAX_VALUE, (caller, i) ->
                    CallOutcome.call(clients.get(caller), (caller + i) % 2 == 0, "fn_" + caller + "_" + i));
            Thread.sleep(3_000);

            // the slots of the partitions and the reply stream first, then of whatever else the calls wrote
            Map<Integer, String> slots = new LinkedHashMap<>();
            for (int n = 0; n < PARTITIONS; n++) {
                slots.put(SlotHash.getSlot(keys.requestStream("fast", n)), keys.requestStream("fast", n));
            }
            slots.putIfAbsent(SlotHash.getSlot(keys.replyStream(ingressId)), keys.replyStream(ingressId));
            for (int master : cluster.masters()) {
                for (String key : cluster.command(master, "--scan", "--pattern", prefix + ":*").lines().toList()) {
                    if (slots.size() < MAX_SLOTS && !key.isBlank()) {
                        slots.putIfAbsent(SlotHash.getSlot(key), key);
                    }
                }
            }
            List<Integer> masters = cluster.masters();
            Map<Integer, Integer> targets = new TreeMap<>();
            long moveStart = System.nanoTime();
            int movedKeys = 0;
            for (int slot : slots.keySet()) {
                int source = cluster.masterOf(slot);
                int target = masters.get((masters.indexOf(source) + 1) % masters.size());
                movedKeys += cluster.moveSlot(slot, target);
                targets.put(slot, target);
            }
            long movedAt = System.nanoTime();
            for (int n = 0; n < PARTITIONS; n++) {
                String stream = keys.requestStream("fast", n);
                int slot = SlotHash.getSlot(stream);
                assertThat(cluster.masterOf(slot)).as("partition %d's new master", n).isEqualTo(targets.get(slot));
                assertThat(group(cluster, targets.get(slot), stream)).as("MIGRATE kept partition %d's group", n)
                        .containsEntry("name", "fast");
            }
            load.stopAt(movedAt + SETTLE.plusSeconds(5).toNanos());
            List<CallOutcome> all = load.awaitEnd(Duration.ofSeconds(60));
            List<CallOutcome> failed = all.stream().filter(o -> !o.ok()).toList();
            long during = all.stream().filter(o -> o.endNanos() >= moveStart && o.startNanos() <= movedAt).count();
            System.err.printf("cluster reshard: %d slots (%d keys) moved in %.2f s; %d calls, %d overlapping the "
                            + "moves, %d failed: %s%n", slots.size(), movedKeys, (movedAt - moveStart) / 1e9,
                    all.size(), during, failed.size(), failed.stream().map(o -> o.text()
                            .substring(0, Math.min(80, o.text().length()))).collect(Collectors.groupingBy(t -> t,
                            Collectors.counting())));
            assertThat(all.stream().filter(o -> o.ok() && o.endNanos() < moveStart)).as("answered before the moves")
                    .isNotEmpty();
            for (CallOutcome o : all) {
                assertThat(o.endNanos() - o.startNanos()).as("call took past its deadline: %s", o.text())
                        .isLessThanOrEqualTo(CALL_TIMEOUT.plus(SLACK).toNanos());
                if (!o.ok()) {
                    assertThat(o.retryable() && (o.refusedAtSubmit() || o.text().startsWith("client exception")))
                            .as("a call fails only by a retryable refusal at submit, never after it was accepted: %s",
                                    o.text()).isTrue();
                }
            }
            List<CallOutcome> late = all.stream().filter(o -> o.startNanos() >= movedAt + SETTLE.toNanos()).toList();
            assertThat(late).as("calls started 3 s after the moves").isNotEmpty();
            assertThat(late).as("every call started 3 s after the moves is answered").allMatch(CallOutcome::ok, "answered");

            // each partition is read on its new master: calls on its sessions are answered, and its group's
            // last-delivered-id advances there (entries-read can be unknown, nil, once a stream was trimmed)
            Map<Integer, String> readBefore = new TreeMap<>();
            List<FaultIngress.Call> calls = new ArrayList<>();
            for (int n = 0; n < PARTITIONS; n++) {
                String stream = keys.requestStream("fast", n);
                readBefore.put(n, group(cluster, targets.get(SlotHash.getSlot(stream)), stream)
                        .get("last-delivered-id"));
                for (String sid : sessionsOf(n, 3)) {
                    calls.add(direct.pingViaWorker(sid));
                }
            }
            for (FaultIngress.Call call : calls) {
                ToolReply reply = call.answer().get(10, TimeUnit.SECONDS);
                assertThat(reply.kind()).as("call %s on partition %d", call.requestId(),
                        Keys.partitionOf(call.sessionId(), PARTITIONS)).isEqualTo(ReplyKind.RESULT);
            }
            for (int n = 0; n < PARTITIONS; n++) {
                String stream = keys.requestStream("fast", n);
                String delivered = group(cluster, targets.get(SlotHash.getSlot(stream)), stream)
                        .get("last-delivered-id");
                assertThat(StreamId.compare(delivered, readBefore.get(n))).as("partition %d read on its new master: "
                        + "last-delivered-id %s after %s", n, delivered, readBefore.get(n)).isPositive();
            }
            direct.awaitNothingPending();
        }
    }

    /** The fields of the pool's consumer group of {@code stream}, as XINFO GROUPS on {@code port} reports it. */
    private static Map<String, String> group(RedisCluster cluster, int port, String stream) {
        List<String> lines = cluster.command(port, "xinfo", "groups", stream).lines().toList();
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            fields.put(lines.get(i), lines.get(i + 1));
        }
        return fields;
    }

    /** Stream entry ids ({@code ms-seq}) in their order. */
    private static final class StreamId {
        static int compare(String a, String b) {
            String[] x = a.split("-");
            String[] y = b.split("-");
            int ms = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
            return ms != 0 ? ms : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
        }
    }

    /** {@code count} session ids whose calls land on request partition {@code partition}. */
    private static List<String> sessionsOf(int partition, int count) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; ids.size() < count; i++) {
            String id = "after-reshard-" + i;
            if (Keys.partitionOf(id, PARTITIONS) == partition) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }
}
