package io.mcpca.workers.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.batch.BatchItemId;
import io.mcpca.shared.batch.ItemState;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Records a batch item's final outcome in its batch ({@code recordBatchItem-2.lua}: exactly once per item,
 * counted per state and error code). The outcome is JSON: {@code {"state", "code"?, "message"?, "worker", "atMs",
 * "result"? | "resultRef"?: {"digest", "bytes"}}}; a result up to {@code inlineMaxBytes} is inlined as the raw
 * JSON the analyzer wrote, a larger one is stored content-addressed at {@code mcpca:result:{sha256}} (first, in
 * the same pipeline) for {@code resultTtl}, which outlives any batch (the longest deadline plus retention).
 */
public final class BatchOutcomes {

    static final LuaScript RECORD = LuaScript.load("recordBatchItem-2.lua");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One item's outcome, ready to send. */
    public record Prepared(BatchItemId item, String[] keys, String[] args, Optional<String> resultKey,
                           String resultText) {
    }

    private final RedisClusterCommands<String, String> redis;
    private final Keys keys;
    private final Clock clock;
    private final int inlineMaxBytes;
    private final Duration resultTtl;

    /**
     * @param inlineMaxBytes results up to this size sit in the item's outcome; larger ones are referenced
     * @param resultTtl      lifetime of a referenced result: at least the longest a batch lives
     */
    public BatchOutcomes(RedisClusterCommands<String, String> redis, Keys keys, Clock clock, int inlineMaxBytes,
                         Duration resultTtl) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.inlineMaxBytes = inlineMaxBytes;
        this.resultTtl = resultTtl;
    }

    /** The outcome to record for a final reply, if it answers a batch item. */
    public Optional<Prepared> prepare(ToolReply reply, String workerId) {
        if (reply.kind() == ReplyKind.PROGRESS) {
            return Optional.empty();
        }
        return BatchItemId.parse(reply.requestId()).map(item -> prepare(item, reply, workerId));
    }

    private Prepared prepare(BatchItemId item, ToolReply reply, String workerId) {
        ItemState state = ItemState.of(reply);
        long now = clock.millis();
        StringBuilder json = new StringBuilder(128 + Math.min(reply.result().length(), inlineMaxBytes));
        json.append("{\"state\":\"").append(state.name()).append('"');
        Optional<String> resultKey = Optional.empty();
        String resultText = "";
        if (reply.kind() == ReplyKind.RESULT) {
            if (reply.result().length() <= inlineMaxBytes) {
                json.append(",\"result\":").append(reply.result().text());
            } else {
                String digest = sha256(reply.result().utf8());
                resultKey = Optional.of(keys.result(digest));
                resultText = reply.result().text();
                json.append(",\"resultRef\":{\"digest\":\"").append(digest).append("\",\"bytes\":")
                        .append(reply.result().length()).append('}');
            }
        } else {
            json.append(",\"code\":").append(quote(reply.errorCode()))
                    .append(",\"message\":").append(quote(reply.errorMessage()));
        }
        json.append(",\"worker\":").append(quote(workerId)).append(",\"atMs\":").append(now).append('}');
        String[] scriptKeys = {keys.batch(item.batchId()), keys.batchItems(item.batchId())};
        String[] args = {Integer.toString(item.index()), state.name(),
                reply.kind() == ReplyKind.RESULT ? "" : reply.errorCode(), json.toString(), Long.toString(now)};
        return new Prepared(item, scriptKeys, args, resultKey, resultText);
    }

    /** Queues the outcome (and a referenced result before it) on a pipeline; the caller flushes. */
    public RedisFuture<Long> recordAsync(RedisClusterAsyncCommands<String, String> pipeline, Prepared p) {
        p.resultKey().ifPresent(key -> pipeline.set(key, p.resultText(), SetArgs.Builder.px(resultTtl.toMillis())));
        return RECORD.runAsync(pipeline, p.keys(), p.args());
    }

    /**
     * The same on this recorder's own connection, waiting (reloads the script after NOSCRIPT).
     *
     * @return 1 recorded, 0 already recorded, -1 no batch record
     */
    public long record(Prepared p) {
        p.resultKey().ifPresent(key -> redis.set(key, p.resultText(), SetArgs.Builder.px(resultTtl.toMillis())));
        return RECORD.runForLong(redis, p.keys(), p.args());
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always serializes", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
