package io.mcpca.workers.recover;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.models.stream.PendingMessage;
import io.mcpca.shared.scripts.LuaScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the stream entries this worker holds (queued locally or running) from looking abandoned:
 * every {@code minIdle / 3} it resets their idle time with {@code refreshClaims-1.lua} (XCLAIM ...
 * JUSTID, only for entries still ours), so {@link PendingReclaimer}s elsewhere never steal a long
 * call from a live worker. A third leaves two more chances before an entry could pass minIdle.
 * {@link #handBack} does the opposite: it makes an entry reclaimable at once.
 *
 * <p>Lifecycle: 1. {@link #start} schedules the refresh; 2. consumers {@link #hold} an entry before
 * running it and {@link #release} it after; 3. {@link #handBackAll} on shutdown returns whatever this
 * consumer still has pending; 4. {@link #close} stops the timer.
 */
public final class ClaimRefresher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClaimRefresher.class);
    private static final LuaScript REFRESH = LuaScript.load("refreshClaims-1.lua");
    /** Ids per script call: bounds the time one script blocks the server. */
    private static final int BATCH = 200;

    private record Held(String pool, String stream) {
    }

    private final RedisClusterCommands<String, String> redis;
    private final String consumer;
    private final Duration minIdle;
    private final Map<Held, Set<String>> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "claim-refresher");
        t.setDaemon(true);
        return t;
    });

    public ClaimRefresher(RedisClusterCommands<String, String> redis, String consumer, Duration minIdle) {
        this.redis = redis;
        this.consumer = consumer;
        this.minIdle = minIdle;
    }

    public void start() {
        long periodMs = Math.max(1, minIdle.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::refreshAll, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    public void hold(String pool, String stream, String id) {
        held.computeIfAbsent(new Held(pool, stream), k -> ConcurrentHashMap.newKeySet()).add(id);
    }

    public void release(String pool, String stream, String id) {
        Set<String> ids = held.get(new Held(pool, stream));
        if (ids != null) {
            ids.remove(id);
        }
    }

    public int heldCount() {
        return held.values().stream().mapToInt(Set::size).sum();
    }

    /** Stops refreshing the entry and makes it reclaimable by the next reclaim pass of any worker; false if it is no longer ours. */
    public boolean handBack(String pool, String stream, String id) {
        release(pool, stream, id);
        return REFRESH.runForLong(redis, new String[] {stream}, pool, consumer,
                Long.toString(minIdle.toMillis()), id) == 1;
    }

    /** Hands back every entry this consumer still has pending in {@code streams} (graceful shutdown). */
    public int handBackAll(String pool, List<String> streams) {
        int handedBack = 0;
        for (String stream : streams) {
            try {
                List<PendingMessage> pending = redis.xpending(stream, Consumer.from(pool, consumer),
                        Range.create("-", "+"), Limit.from(10_000));
                for (PendingMessage message : pending) {
                    if (handBack(pool, stream, message.getId())) {
                        handedBack++;
                    }
                }
            } catch (RuntimeException e) {
                log.warn("pool {}: could not hand back the entries of {}: {}", pool, stream, e.getMessage());
            }
        }
        return handedBack;
    }

    void refreshAll() {
        held.forEach((where, ids) -> {
            List<String> snapshot = List.copyOf(ids);
            for (int from = 0; from < snapshot.size(); from += BATCH) {
                List<String> batch = snapshot.subList(from, Math.min(snapshot.size(), from + BATCH));
                try {
                    String[] args = new String[3 + batch.size()];
                    args[0] = where.pool();
                    args[1] = consumer;
                    args[2] = "0";
                    for (int i = 0; i < batch.size(); i++) {
                        args[3 + i] = batch.get(i);
                    }
                    long refreshed = REFRESH.runForLong(redis, new String[] {where.stream()}, args);
                    if (refreshed < batch.size()) {
                        log.debug("pool {}: {} of {} held entries of {} are no longer ours (acked or reclaimed)",
                                where.pool(), batch.size() - refreshed, batch.size(), where.stream());
                    }
                } catch (RuntimeException e) {
                    // Redis hiccup or a deleted group: the next tick tries again, two more before minIdle passes.
                    log.warn("pool {}: could not refresh held entries of {}: {}", where.pool(), where.stream(),
                            e.getMessage());
                }
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
