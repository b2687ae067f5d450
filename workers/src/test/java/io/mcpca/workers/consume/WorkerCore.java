package io.mcpca.workers.consume;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.exec.ExecutionRecord;
import io.mcpca.shared.exec.ExecutionStore;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.ContentionBackoff;
import io.mcpca.shared.lock.SessionLock;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.lock.LockWatchdog;
import io.mcpca.workers.recover.ClaimRefresher;
import io.mcpca.workers.recover.DeadLetters;
import io.mcpca.workers.reply.LoopReplies;
import io.mcpca.workers.reply.ReplyBatcher;
import io.mcpca.workers.reply.ReplyPublisher;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.run.ToolRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The worker core's roles wired as the worker wires them, for one pool ("fast") on a real Redis with a real
 * analyzer process, plus what the role tests need around them: putting calls on the request stream and reading
 * them as a consumer would, the replies that reached the reply stream, records and pending entries.
 */
final class WorkerCore implements AutoCloseable {

    static final String POOL = "fast";
    static final Duration LOCK_TTL = Duration.ofSeconds(5);

    final Keys keys;
    final StreamEntries entries = new StreamEntries(JacksonCodec.json());
    final String replyTo;
    final CallStart starts;
    final ExecutionStore executions;
    final ReplyBatcher batcher;
    final LoopReplies loopReplies;
    final CallHandler handler;
    private final RedisConnections redis;
    private final RedisConnection<byte[], byte[]> bytes;
    private final RedisConnection<String, String> strings;
    private final ClaimRefresher claims;
    private final LockWatchdog watchdog;
    private final AnalyzerPool analyzers;
    private final ConsumerGroups groups;

    /** @param sessionless the tools that take the sessionless fast path (none: every call is session-locked) */
    WorkerCore(String uri, String prefix, Set<String> sessionless) {
        Clock clock = Clock.systemUTC();
        String workerId = "w1";
        keys = new Keys(prefix);
        redis = new RedisConnections(uri);
        bytes = redis.bytes();
        strings = redis.strings();
        replyTo = keys.replyStream("ingress-1");
        bytes.sync().xgroupCreate(StreamOffset.from(bytes(replyTo), "0"), bytes("keeper"),
                XGroupCreateArgs.Builder.mkstream());
        groups = new ConsumerGroups(bytes.sync(), keys, 1);
        groups.ensure(POOL);
        executions = new ExecutionStore(strings.sync(), keys, Duration.ofMinutes(5), Duration.ofMinutes(5), clock);
        CallFinish finishes = new CallFinish(strings.sync(), keys, Duration.ofMinutes(5), 1 << 20, clock);
        batcher = new ReplyBatcher(redis.bytes(), redis.strings(), entries, executions, finishes, workerId, 1000);
        batcher.start();
        claims = new ClaimRefresher(strings.sync(), workerId, Duration.ofSeconds(30));
        SessionLock lock = new SessionLock(strings.sync(), keys);
        watchdog = new LockWatchdog(lock, LOCK_TTL);
        analyzers = new AnalyzerPool(analyzerBinary(), 1);
        ToolRunner runner = new ToolRunner(ToolCatalog.builtIn(), new PathGuard(List.of(Path.of(".").toAbsolutePath())),
                analyzers, clock);
        ReplyPublisher replies = new ReplyPublisher(bytes.sync(), entries, 1000);
        starts = new CallStart(strings.sync(), keys, Duration.ofMinutes(5), Duration.ofDays(1), clock);
        // a running worker has loaded the start script long before; the loop's pipelined starts need it loaded
        starts.tryStart("warm-up", "warm-up", 1, workerId, Duration.ofMillis(1));
        Answers answers = new Answers(batcher, finishes, Duration.ofMinutes(5), workerId);
        HandBacks handBacks = new HandBacks(claims, executions, workerId);
        loopReplies = new LoopReplies(redis.bytes(), entries, 1000);
        CallRoles roles = new CallRoles(entries, new DeadLetters(bytes.sync(), keys, executions, replies, workerId),
                sessionless, starts, ContentionBackoff.standard(clock), watchdog, lock, replies, batcher, claims,
                handBacks, answers, new AnalyzerAttempts.Retries(1, Duration.ofMillis(10)),
                ContentionBackoff.Sleeper.THREAD, LOCK_TTL, clock, workerId,
                new io.mcpca.workers.shard.ShardRecords(strings.sync(), bytes.sync(), keys, entries, 1000));
        handler = roles.forPool(runner, loopReplies, redis.strings());
    }

    static Path analyzerBinary() {
        return Path.of(System.getProperty("mcpca.analyzer.path", "../rust-workers/target/release/mcpca-analyzer"));
    }

    static ToolRequest call(String session, String tool, Map<String, Object> arguments, String replyTo,
                            Duration deadline) {
        String id = UUID.randomUUID().toString();
        return new ToolRequest(ToolRequest.VERSION, id, session, tool,
                arguments, replyTo, System.currentTimeMillis() + deadline.toMillis());
    }

    ToolRequest ping(String session, String via) {
        return call(session, "ping", Map.of("via", via), replyTo, Duration.ofSeconds(10));
    }

    /** Appends the calls to the request stream and reads them as the pool's consumer does (so they are pending). */
    List<StreamMessage<byte[], byte[]>> deliver(ToolRequest... calls) {
        String stream = keys.requestStream(POOL, 0);
        for (ToolRequest request : calls) {
            bytes.sync().xadd(bytes(stream), entries.encode(request));
        }
        return readNew();
    }

    /** Everything on the request stream not read yet, read as the pool's consumer. */
    List<StreamMessage<byte[], byte[]>> readNew() {
        @SuppressWarnings("unchecked")
        List<StreamMessage<byte[], byte[]>> read = bytes.sync().xreadgroup(Consumer.from(bytes(POOL), bytes("w1")),
                XReadArgs.Builder.count(1000), StreamOffset.lastConsumed(bytes(keys.requestStream(POOL, 0))));
        return read;
    }

    long deadLetters() {
        return bytes.sync().xlen(bytes(keys.deadLetters(POOL)));
    }

    Delivered delivered(StreamMessage<byte[], byte[]> message) {
        return new Delivered(POOL, message, entries.decodeRequest(message.getBody()), 1);
    }

    /** Every final reply on the reply stream, in order. */
    List<ToolReply> replies() {
        return bytes.sync().xrange(bytes(replyTo), io.lettuce.core.Range.create("-", "+")).stream()
                .map(m -> entries.decodeReply(m.getBody())).toList();
    }

    Optional<ExecutionRecord> record(ToolRequest request) {
        return executions.find(request.sessionId(), request.requestId());
    }

    long pending() {
        return bytes.sync().xpending(bytes(keys.requestStream(POOL, 0)), bytes(POOL)).getCount();
    }

    String sessionVersion(String session) {
        return strings.sync().hget(keys.session(session), "_version");
    }

    @Override
    public void close() {
        batcher.close();
        claims.close();
        watchdog.close();
        analyzers.close();
        redis.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
