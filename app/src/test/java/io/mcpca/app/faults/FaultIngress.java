package io.mcpca.app.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.mcpca.ingress.reply.PendingCall;
import io.mcpca.ingress.reply.ReplyRouter;
import io.mcpca.ingress.submit.RequestSubmitter;
import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The ingress side of the pipeline without MCP: the real {@link RequestSubmitter} (XADD to the pool's
 * partition) and {@link ReplyRouter} (one answer per request id, duplicates dropped), so a test can
 * choose session ids freely; plus raw reads of the reply stream to see every reply, duplicates too.
 */
final class FaultIngress implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final RedisConnections connections;
    final RedisConnection<byte[], byte[]> commands;
    final RedisConnection<byte[], byte[]> blocking;
    final RedisConnection<String, String> strings;
    final Keys keys;
    final StreamEntries entries = new StreamEntries(JacksonCodec.messagePack());
    final String replyStream;
    final RequestSubmitter submitter;
    final ReplyRouter router;

    FaultIngress(String redisUri, String prefix) {
        connections = new RedisConnections(redisUri);
        commands = connections.bytes();
        blocking = connections.bytes();
        strings = connections.strings();
        keys = new Keys(prefix);
        replyStream = keys.replyStream("fault-" + UUID.randomUUID().toString().substring(0, 8));
        submitter = new RequestSubmitter(commands.sync(), entries, keys, 4, 1_000_000);
        router = new ReplyRouter(blocking, entries, replyStream);
        router.start();
    }

    /** Submits a ping on {@code sessionId}; the future completes with the one final reply. */
    Call ping(String sessionId, int sleepMs) {
        return ping(sessionId, Map.of("sleepMs", sleepMs));
    }

    /** Submits a ping the worker answers itself (no analyzer), on {@code sessionId}. */
    Call pingViaWorker(String sessionId) {
        return ping(sessionId, Map.of("via", "worker"));
    }

    private Call ping(String sessionId, Map<String, Object> arguments) {
        return ping(sessionId, arguments, java.time.Duration.ofMinutes(2));
    }

    /** Submits a ping with these arguments on {@code sessionId}, due within {@code deadline}. */
    Call ping(String sessionId, Map<String, Object> arguments, java.time.Duration deadline) {
        String requestId = UUID.randomUUID().toString();
        ToolRequest request = new ToolRequest(ToolRequest.VERSION, requestId, sessionId, "ping",
                arguments, replyStream, System.currentTimeMillis() + deadline.toMillis());
        PendingCall pending = router.register(requestId, progress -> { });
        submitter.submit("fast", request);
        return new Call(requestId, sessionId, pending.answer());
    }

    record Call(String requestId, String sessionId, CompletableFuture<ToolReply> answer) {
    }

    /** Every final reply in the reply stream, by request id (duplicates included). */
    Map<String, List<ToolReply>> finalReplies() {
        Map<String, List<ToolReply>> byRequest = new HashMap<>();
        List<StreamMessage<byte[], byte[]>> all = commands.sync().xrange(
                replyStream.getBytes(StandardCharsets.UTF_8), Range.create("-", "+"));
        for (StreamMessage<byte[], byte[]> message : all) {
            ToolReply reply = entries.decodeReply(message.getBody());
            if (reply.kind().isFinal()) {
                byRequest.computeIfAbsent(reply.requestId(), k -> new java.util.ArrayList<>()).add(reply);
            }
        }
        return byRequest;
    }

    /** Pending entries per consumer in the fast pool, over all partitions. */
    /**
     * Waits until no request entry is pending any more. A reply reaches the ingress before its entry is
     * acknowledged (the XACK follows the confirmed reply, never precedes it), so right after the last answer an
     * entry or two may still be pending for a moment; one that stays pending is lost work, and fails this.
     */
    void awaitNothingPending() {
        org.awaitility.Awaitility.await().atMost(10, java.util.concurrent.TimeUnit.SECONDS)
                .until(() -> pendingByConsumer().values().stream().mapToLong(Long::longValue).sum() == 0);
    }

    Map<String, Long> pendingByConsumer() {
        Map<String, Long> counts = new HashMap<>();
        for (int n = 0; n < 4; n++) {
            String stream = keys.requestStream("fast", n);
            if (strings.sync().exists(stream) == 0) {
                continue;
            }
            try {
                strings.sync().xpending(stream, "fast").getConsumerMessageCount()
                        .forEach((consumer, count) -> counts.merge(consumer, count, Long::sum));
            } catch (RuntimeException noGroupYet) {
                // the worker creates the group when it starts
            }
        }
        return counts;
    }

    boolean workerRegistered(WorkerJvm worker) {
        return strings.sync().hkeys(keys.workers()).stream().anyMatch(worker::owns);
    }

    static long micros(ToolReply reply, String field) {
        return ((Number) result(reply).get(field)).longValue();
    }

    /** A reply's result, read here only to check it (it travels as the analyzer's JSON bytes). */
    static Map<String, Object> result(ToolReply reply) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(reply.result().utf8(),
                    new com.fasterxml.jackson.core.type.TypeReference<>() { });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        router.stop();
        strings.close();
        blocking.close();
        commands.close();
        connections.close();
    }
}
