package io.mcpca.workers.recover;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisStreamCommands;
import io.mcpca.shared.exec.ExecutionRecord;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.exec.ExecutionStore.Attempt;
import io.mcpca.shared.exec.IllegalTransitionException;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.metrics.WorkerMeters;
import io.mcpca.workers.reply.ReplyPublisher;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import io.mcpca.workers.batch.BatchOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves entries that must not run again to {@code mcpca:dlq:{pool}}: the original body plus its
 * reason, delivery count, source stream and id, and the worker; then acknowledges them. For a
 * decodable call it also records DEAD_LETTERED and sends the client a DEAD_LETTERED error naming
 * the reason, so nobody waits for an answer that will never come.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /** Dead letters are for people to inspect; 100,000 is weeks of poison at any sane rate. */
    private static final long MAX_LEN = 100_000;

    private final RedisStreamCommands<byte[], byte[]> redis;
    private final Keys keys;
    private final ExecutionStore executions;
    private final ReplyPublisher replies;
    private final String workerId;
    private volatile WorkerMeters meters = WorkerMeters.NONE;
    private volatile Optional<BatchOutcomes> batchOutcomes = Optional.empty();

    /** Records a dead-lettered batch item's outcome in its batch (see {@link BatchOutcomes}). */
    public void recordBatchItems(BatchOutcomes outcomes) {
        this.batchOutcomes = Optional.of(outcomes);
    }

    public DeadLetters(RedisStreamCommands<byte[], byte[]> redis, Keys keys, ExecutionStore executions,
                       ReplyPublisher replies, String workerId) {
        this.redis = redis;
        this.keys = keys;
        this.executions = executions;
        this.replies = replies;
        this.workerId = workerId;
    }

    /** Where this dead-letter stream counts, by pool (set once, before it starts). */
    public void setMeters(WorkerMeters meters) {
        this.meters = meters;
    }

    /** An entry that cannot even be decoded (corrupt, unknown codec or version). */
    public void undecodable(String pool, StreamMessage<byte[], byte[]> message, int deliveries, String reason) {
        log.warn("pool {}: entry {} cannot be decoded ({}); moved to dead letters", pool, message.getId(), reason);
        move(pool, message, reason, deliveries);
    }

    /** A call delivered more than maxDeliveries times without an answer (poison). */
    public void exhausted(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request, int deliveries,
                          int maxDeliveries) {
        String lastFailure = executions.find(request.sessionId(), request.requestId())
                .map(ExecutionRecord::reason).filter(r -> !r.isEmpty())
                .orElse("its worker stopped while running it");
        String reason = "failed on " + (deliveries - 1) + " deliveries (limit " + maxDeliveries + "); last failure: "
                + lastFailure;
        log.warn("pool {}: call {} ({}) dead-lettered: {}", pool, request.requestId(), request.tool(), reason);
        move(pool, message, reason, deliveries);
        try {
            executions.transition(request.sessionId(), request.requestId(), ExecutionState.DEAD_LETTERED,
                    Attempt.KEEP, workerId, reason);
        } catch (IllegalTransitionException e) {
            log.warn("call {} was already final when dead-lettered: {}", request.requestId(), e.getMessage());
        }
        ToolReply dead = ToolReply.error(request.requestId(), ErrorCode.DEAD_LETTERED,
                "the call was moved to the dead-letter stream " + keys.deadLetters(pool) + ": " + reason, workerId);
        batchOutcomes.flatMap(o -> o.prepare(dead, workerId)).ifPresent(item -> {
            try {
                batchOutcomes.get().record(item);
            } catch (RuntimeException e) {
                log.warn("batch item {}: dead-letter outcome not recorded: {}", request.requestId(), e.toString());
            }
        });
        replies.publish(request.replyTo(), dead);
    }

    private void move(String pool, StreamMessage<byte[], byte[]> message, String reason, int deliveries) {
        Map<byte[], byte[]> body = new LinkedHashMap<>(message.getBody());
        body.put(bytes("reason"), bytes(reason));
        body.put(bytes("deliveries"), bytes(Integer.toString(deliveries)));
        body.put(bytes("stream"), message.getStream());
        body.put(bytes("id"), bytes(message.getId()));
        body.put(bytes("worker"), bytes(workerId));
        redis.xadd(bytes(keys.deadLetters(pool)), XAddArgs.Builder.maxlen(MAX_LEN).approximateTrimming(), body);
        redis.xack(message.getStream(), bytes(pool), message.getId());
        meters.pool(pool).deadLettered();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
