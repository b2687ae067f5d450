package io.mcpca.workers.consume;

import io.lettuce.core.StreamMessage;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.codec.WireFormatException;
import io.mcpca.workers.recover.DeadLetters;
import io.mcpca.workers.run.Sharding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The worker core's entry point for one pool: decodes each delivered entry once (an undecodable one goes to the
 * dead letters) and routes the call to its role: {@link Admission} for a fresh read on the reading thread, then
 * on a call thread the {@link SessionlessRun} for a tool whose contract is sessionless, else the
 * {@link LockedRun}; a shard of a sharded call to the {@link ShardRun}. Answers, retries and hand-backs are the roles' own ({@link Answers},
 * {@link AnalyzerAttempts}, {@link HandBacks}).
 */
public final class CallHandler implements EntryHandler {

    private final StreamEntries entries;
    private final DeadLetters deadLetters;
    private final Set<String> sessionlessTools;
    private final Admission admission;
    private final SessionlessRun sessionlessRun;
    private final LockedRun lockedRun;
    private final ShardRun shardRun;

    public CallHandler(StreamEntries entries, DeadLetters deadLetters, Set<String> sessionlessTools,
                       Admission admission, SessionlessRun sessionlessRun, LockedRun lockedRun, ShardRun shardRun) {
        this.shardRun = shardRun;
        this.entries = entries;
        this.deadLetters = deadLetters;
        this.sessionlessTools = Set.copyOf(sessionlessTools);
        this.admission = admission;
        this.sessionlessRun = sessionlessRun;
        this.lockedRun = lockedRun;
    }

    /** An entry delivered again (reclaimed) or handed to a call thread whole: decode, then run. */
    @Override
    public void handle(String pool, StreamMessage<byte[], byte[]> message, int delivery) {
        decode(pool, message, delivery).ifPresent(this::run);
    }

    @Override
    public List<Optional<Runnable>> admit(String pool, List<StreamMessage<byte[], byte[]>> messages) {
        List<Optional<Runnable>> tasks = new ArrayList<>(messages.size());
        List<Delivered> decoded = new ArrayList<>(messages.size());
        List<Integer> positions = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            StreamMessage<byte[], byte[]> message = messages.get(i);
            try {
                decoded.add(new Delivered(pool, message, entries.decodeRequest(message.getBody()), 1));
                positions.add(i);
                tasks.add(Optional.empty());
            } catch (WireFormatException e) {
                String why = e.getMessage();
                tasks.add(Optional.of(() -> deadLetters.undecodable(pool, message, 1, why)));
            }
        }
        List<Optional<Runnable>> admitted = admission.admit(decoded, this::run);
        for (int n = 0; n < decoded.size(); n++) {
            tasks.set(positions.get(n), admitted.get(n));
        }
        return tasks;
    }

    @Override
    public Optional<Duration> retryIn() {
        return admission.retryIn();
    }

    @Override
    public int heldBack() {
        return admission.heldBack();
    }

    /**
     * A batch item takes the sessionless path whatever its tool: its session is the batch's own, which no one reads,
     * and its outcome in the batch (kept once per item, recordBatchItem-2.lua) is its execution record, so a lease,
     * fence, session write and record per item would be work without a reader (docs/decisions/016).
     */
    private void run(Delivered call) {
        CallLogContext.run(call, () -> {
            if (Sharding.SHARD_TOOL.equals(call.request().tool())) {
                shardRun.run(call);
            } else if (sessionlessTools.contains(call.request().tool()) || call.request().inBatch()) {
                sessionlessRun.run(call);
            } else {
                lockedRun.run(call);
            }
        });
    }

    private Optional<Delivered> decode(String pool, StreamMessage<byte[], byte[]> message, int delivery) {
        try {
            return Optional.of(new Delivered(pool, message, entries.decodeRequest(message.getBody()), delivery));
        } catch (WireFormatException e) {
            deadLetters.undecodable(pool, message, delivery, e.getMessage());
            return Optional.empty();
        }
    }
}
