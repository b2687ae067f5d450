package io.mcpca.ingress.batch;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.async.RedisStreamAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.shared.batch.BatchItemId;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.scripts.LuaScript;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * A batch's life in Redis, ingress side: 1. {@link #create} checks the limits, writes the batch record (with its
 * expiry: deadline + retention) and the owner's index, then appends every item to its pool's batch lane in one
 * pipeline and waits for all of them: the record exists before any item, so no item runs without its batch; a
 * pipeline that fails halfway marks the batch cancelled (the queued items end CANCELLED) and refuses UNAVAILABLE;
 * 2. the workers record outcomes ({@code recordBatchItem-2.lua}); 3. {@link #record}, {@link #outcomes} read them,
 * for the owner only (anyone else gets NOT_FOUND, as for a batch that does not exist); 4. {@link #cancel} sets
 * the cancelled flag the workers check before an item starts.
 */
public final class BatchStore {

    /** How long the item pipeline may take: 10,000 XADDs take ~100 ms here; far above that is a sick Redis. */
    private static final long QUEUE_TIMEOUT_MS = 30_000;

    static final LuaScript CREATE = LuaScript.load("createBatch-1.lua");
    static final LuaScript INDEX = LuaScript.load("indexBatch-1.lua");

    private final RedisClusterCommands<String, String> redis;
    private final RedisStreamAsyncCommands<byte[], byte[]> streams;
    private final StreamEntries entries;
    private final Keys keys;
    private final McpcaProperties.Batch limits;
    private final ToLongFunction<String> laneBacklog;
    private final XAddArgs trim;
    private final Clock clock;

    /**
     * @param streams     async stream commands of an auto-flushing connection: Lettuce pipelines the XADDs
     * @param laneBacklog items waiting or running in a pool's batch lane
     * @param laneMaxLen  the lanes' approximate trim ({@code request-stream-max-len})
     */
    public BatchStore(RedisClusterCommands<String, String> redis, RedisStreamAsyncCommands<byte[], byte[]> streams,
                      StreamEntries entries, Keys keys, McpcaProperties.Batch limits,
                      ToLongFunction<String> laneBacklog, long laneMaxLen, Clock clock) {
        this.redis = redis;
        this.streams = streams;
        this.entries = entries;
        this.keys = keys;
        this.limits = limits;
        this.laneBacklog = laneBacklog;
        this.trim = XAddArgs.Builder.maxlen(laneMaxLen).approximateTrimming();
        this.clock = clock;
    }

    /** What submit-batch answers. */
    public record Created(String batchId, int items, Instant deadline) {
    }

    public Created create(String principal, String replyTo, String name, Instant deadline, int priority,
                          List<BatchItems.Item> items) {
        long now = clock.millis();
        int active = active(principal, now);
        if (active >= limits.getMaxActivePerPrincipal()) {
            throw new BatchRefused(ErrorCode.TOO_MANY_BATCHES, "principal '" + principal + "' has " + active
                    + " unfinished batches (limit " + limits.getMaxActivePerPrincipal() + "); wait for one to finish "
                    + "or cancel one");
        }
        String batchId = BatchItemId.newBatchId();
        List<Map<byte[], byte[]>> bodies = new ArrayList<>(items.size());
        Map<String, Integer> perPool = new TreeMap<>();
        Map<String, Integer> perTool = new TreeMap<>();
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            BatchItems.Item item = items.get(i);
            // the batch is the items' session: workers run batch items without session lease or write (decision 016)
            ToolRequest request = new ToolRequest(ToolRequest.VERSION, new BatchItemId(batchId, i).requestId(),
                    batchId, item.tool().name(), item.arguments(), replyTo, deadline.toEpochMilli(), batchId, batchId);
            Map<byte[], byte[]> body = entries.encode(request);
            for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
                bytes += e.getKey().length + e.getValue().length;
            }
            if (bytes > limits.getMaxBytes().toBytes()) {
                throw new BatchRefused(ErrorCode.BATCH_TOO_LARGE, "the batch's items are larger than "
                        + limits.getMaxBytes().toBytes() + " bytes; split it");
            }
            bodies.add(body);
            perPool.merge(item.tool().pool(), 1, Integer::sum);
            perTool.merge(item.tool().name(), 1, Integer::sum);
        }
        for (Map.Entry<String, Integer> pool : perPool.entrySet()) {
            long waiting = laneBacklog.applyAsLong(pool.getKey());
            if (waiting + pool.getValue() > limits.getMaxQueuedItems()) {
                throw new BatchRefused(ErrorCode.TOO_MANY_BATCHES, "pool '" + pool.getKey() + "' has " + waiting
                        + " batch items waiting; " + pool.getValue() + " more would pass its limit of "
                        + limits.getMaxQueuedItems() + "; retry when some finished");
            }
        }
        long expiresAt = deadline.toEpochMilli() + limits.getRetention().toMillis();
        Map<String, String> record = new LinkedHashMap<>();
        record.put("owner", principal);
        record.put("name", name);
        record.put("total", Integer.toString(items.size()));
        record.put("done", "0");
        record.put("createdAtMs", Long.toString(now));
        record.put("deadlineMs", Long.toString(deadline.toEpochMilli()));
        record.put("priority", Integer.toString(priority));
        record.put("cancelled", "0");
        record.put("bytes", Long.toString(bytes));
        perTool.forEach((tool, n) -> record.put("tool:" + tool, Integer.toString(n)));
        List<String> args = new ArrayList<>(List.of(Long.toString(expiresAt)));
        record.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        if (CREATE.runForLong(redis, new String[] {keys.batch(batchId)}, args.toArray(String[]::new)) < 0) {
            throw new IllegalStateException("batch id " + batchId + " exists already");
        }
        INDEX.runForLong(redis, new String[] {keys.batchesOf(principal)}, Long.toString(now), batchId,
                Integer.toString(limits.getListMax()), Long.toString(limits.longestLifetime().toMillis()));
        queue(batchId, priority, items, bodies);
        return new Created(batchId, items.size(), deadline);
    }

    private void queue(String batchId, int priority, List<BatchItems.Item> items, List<Map<byte[], byte[]>> bodies) {
        List<RedisFuture<String>> added = new ArrayList<>(bodies.size());
        try {
            for (int i = 0; i < bodies.size(); i++) {
                byte[] lane = keys.batchRequestStream(items.get(i).tool().pool(), priority).getBytes(StandardCharsets.UTF_8);
                added.add(streams.xadd(lane, trim, bodies.get(i)));
            }
            long until = System.currentTimeMillis() + QUEUE_TIMEOUT_MS;
            for (RedisFuture<String> f : added) {
                f.get(Math.max(1, until - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            try {
                redis.hset(keys.batch(batchId), Map.of("cancelled", "1", "queueFailed", String.valueOf(e.getMessage())));
            } catch (RuntimeException ignored) {
                // Redis is gone: the items that made it find no open batch once it is back, or expire
            }
            throw new BatchRefused(ErrorCode.UNAVAILABLE, "batch " + batchId + " could not be queued whole ("
                    + e + "); it was cancelled, submit it again");
        }
    }

    /** Unfinished batches of {@code principal}: not cancelled, items outstanding, deadline not passed. */
    int active(String principal, long now) {
        int n = 0;
        for (String id : redis.zrevrange(keys.batchesOf(principal), 0, limits.getListMax() - 1)) {
            List<KeyValue<String, String>> f = redis.hmget(keys.batch(id), "total", "done", "cancelled", "deadlineMs");
            if (!f.get(0).hasValue()) {
                continue;
            }
            boolean open = Long.parseLong(f.get(1).getValueOrElse("0")) < Long.parseLong(f.get(0).getValue())
                    && !"1".equals(f.get(2).getValueOrElse("0"))
                    && now < Long.parseLong(f.get(3).getValueOrElse("0"));
            n += open ? 1 : 0;
        }
        return n;
    }

    /** The batch's record, if it exists and {@code principal} owns it; else NOT_FOUND. */
    public Map<String, String> record(String principal, String batchId) {
        if (!BatchItemId.isBatchId(batchId)) {
            throw notFound(batchId);
        }
        Map<String, String> record = redis.hgetall(keys.batch(batchId));
        if (record.isEmpty() || !principal.equals(record.get("owner"))) {
            throw notFound(batchId);
        }
        return record;
    }

    /** Outcomes of items {@code from .. from+count-1} (absent: not finished), in index order. */
    public List<KeyValue<String, String>> outcomes(String batchId, int from, int count) {
        String[] fields = new String[count];
        for (int i = 0; i < count; i++) {
            fields[i] = Integer.toString(from + i);
        }
        return redis.hmget(keys.batchItems(batchId), fields);
    }

    /** Every recorded outcome (for roll-ups), scanned in chunks. */
    public void eachOutcome(String batchId, java.util.function.BiConsumer<String, String> sink) {
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.MapScanCursor<String, String> page = redis.hscan(keys.batchItems(batchId), cursor,
                    io.lettuce.core.ScanArgs.Builder.limit(1000));
            page.getMap().forEach(sink);
            cursor = page;
        } while (!cursor.isFinished());
    }

    /** Sets the cancelled flag (owner only); @return whether it was not set before */
    public boolean cancel(String principal, String batchId) {
        Map<String, String> record = record(principal, batchId);
        if ("1".equals(record.get("cancelled")) || finished(record)) {
            // a finished batch stays COMPLETED: a late cancel has nothing left to stop and must not relabel it
            return false;
        }
        redis.hset(keys.batch(batchId), "cancelled", "1");
        return true;
    }

    /** Whether every item of the batch has its outcome. */
    private static boolean finished(Map<String, String> record) {
        try {
            return Long.parseLong(record.getOrDefault("done", "0")) >= Long.parseLong(record.getOrDefault("total", "1"));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The principal's batches, newest first, with their records (expired ones dropped from the index). */
    public List<Map.Entry<String, Map<String, String>>> list(String principal) {
        List<Map.Entry<String, Map<String, String>>> out = new ArrayList<>();
        String index = keys.batchesOf(principal);
        for (String id : redis.zrevrange(index, 0, limits.getListMax() - 1)) {
            Map<String, String> record = redis.hgetall(keys.batch(id));
            if (record.isEmpty()) {
                redis.zrem(index, id);
            } else {
                out.add(Map.entry(id, record));
            }
        }
        return out;
    }

    private static BatchRefused notFound(String batchId) {
        return new BatchRefused(ErrorCode.NOT_FOUND, "no batch '" + batchId + "' (it never existed, has expired, or "
                + "belongs to someone else)");
    }
}
