package io.mcpca.workers.shard;

import io.lettuce.core.KeyValue;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Redis side of a call that runs as shards: its shard record ({@link Keys#shards}: plan, count, cache key,
 * each shard's answer, who merges; one key in the call's slot, expiring past the call's deadline), the shard
 * entries on the request stream, and the acknowledgement of an entry that ends without a reply of its own. The
 * record's two scripts decide, atomically, whether a delivery sends the shards ({@code beginShards-1.lua}) and
 * which finishing shard merges ({@code storeShard-1.lua}): no thread ever waits for another shard.
 */
public final class ShardRecords {

    private static final LuaScript BEGIN = LuaScript.load("beginShards-1.lua");
    private static final LuaScript STORE = LuaScript.load("storeShard-1.lua");

    /** What {@code beginShards-1.lua} said: the plan whose shards to send, recorded now or by an earlier delivery. */
    public record Begun(boolean recordedNow, String plan) {
    }

    /** What {@code storeShard-1.lua} said; {@code count} 0 when the record is gone. */
    public record Stored(boolean merge, long done, long count) {
        public boolean recordGone() {
            return count == 0;
        }
    }

    /** The shards' answers in shard order: each a result ({@code results}) or the first error, if any. */
    public record Answers(List<String> results, Optional<String> firstError) {
    }

    private final RedisClusterCommands<String, String> strings;
    private final RedisClusterCommands<byte[], byte[]> bytes;
    private final Keys keys;
    private final StreamEntries entries;
    private final XAddArgs trim;

    public ShardRecords(RedisClusterCommands<String, String> strings, RedisClusterCommands<byte[], byte[]> bytes, Keys keys,
                        StreamEntries entries, long requestStreamMaxLen) {
        this.strings = strings;
        this.bytes = bytes;
        this.keys = keys;
        this.entries = entries;
        this.trim = XAddArgs.Builder.maxlen(requestStreamMaxLen).approximateTrimming();
    }

    /** Records the fan-out of call {@code requestId} unless an earlier delivery did (see {@code beginShards-1.lua}). */
    public Begun begin(String requestId, int count, String plan, Optional<String> cacheKey, Duration ttl) {
        List<Object> answer = BEGIN.runForList(strings, new String[] {keys.shards(requestId)}, Integer.toString(count),
                plan, cacheKey.orElse(""), Long.toString(Math.max(1, ttl.toMillis())));
        return new Begun(((Long) answer.get(0)) != 0, (String) answer.get(1));
    }

    /** Appends the shard entries to {@code stream} (the call's own partition). */
    public void send(byte[] stream, List<ToolRequest> shards) {
        for (ToolRequest shard : shards) {
            bytes.xadd(stream, trim, entries.encode(shard));
        }
    }

    /** Whether shard {@code index} of call {@code requestId} already stored its answer (a redelivery need not run). */
    public boolean stored(String requestId, int index) {
        return strings.hexists(keys.shards(requestId), "s:" + index);
    }

    /** The result-cache key of the whole call, if it is cached. */
    public Optional<String> cacheKey(String requestId) {
        return Optional.ofNullable(strings.hget(keys.shards(requestId), "cacheKey")).filter(k -> !k.isEmpty());
    }

    /** Stores shard {@code index}'s result or error ({@code error}: "CODE message") and says who merges. */
    public Stored store(String requestId, int index, boolean error, String answer) {
        List<Object> r = STORE.runForList(strings, new String[] {keys.shards(requestId)}, Integer.toString(index),
                error ? "e" : "r", answer);
        long merge = (Long) r.get(0);
        return merge < 0 ? new Stored(false, 0, 0) : new Stored(merge == 1, (Long) r.get(1), (Long) r.get(2));
    }

    /** Every shard's answer, in shard order. */
    public Answers answers(String requestId, int count) {
        String[] fields = new String[count * 2];
        for (int i = 0; i < count; i++) {
            fields[i] = "r:" + i;
            fields[count + i] = "e:" + i;
        }
        List<KeyValue<String, String>> values = strings.hmget(keys.shards(requestId), fields);
        List<String> results = new ArrayList<>(count);
        Optional<String> firstError = Optional.empty();
        for (int i = 0; i < count; i++) {
            KeyValue<String, String> error = values.get(count + i);
            if (error.hasValue() && firstError.isEmpty()) {
                firstError = Optional.of(error.getValue());
            }
            KeyValue<String, String> result = values.get(i);
            if (result.hasValue()) {
                results.add(result.getValue());
            }
        }
        if (firstError.isEmpty() && results.size() < count) {
            firstError = Optional.of("INTERNAL a shard's answer is missing from its record");
        }
        return new Answers(results, firstError);
    }

    /** Acknowledges an entry that ends without a reply of its own (a call handed to its shards, a stored shard). */
    public void acknowledge(String pool, byte[] stream, String entryId) {
        bytes.xack(stream, pool.getBytes(StandardCharsets.UTF_8), entryId);
    }
}
