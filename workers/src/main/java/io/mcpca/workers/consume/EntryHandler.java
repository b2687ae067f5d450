package io.mcpca.workers.consume;

import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs one delivered request-stream entry to its end (answered, handed back, or dead-lettered). */
@FunctionalInterface
public interface EntryHandler {

    /**
     * @param pool     the pool (consumer group) the entry was delivered in
     * @param message  the entry
     * @param delivery how many times it has been delivered, this one included (1 for a fresh read)
     */
    void handle(String pool, StreamMessage<byte[], byte[]> message, int delivery);

    /**
     * How soon the calls the handler holds back on the reading thread (a busy session) want another
     * {@link #admit}, which may then be called with no new entries; empty when it holds none back.
     */
    default Optional<Duration> retryIn() {
        return Optional.empty();
    }

    /** How many entries the handler holds back on the reading thread; the loop stops reading at a limit. */
    default int heldBack() {
        return 0;
    }

    /**
     * Takes every entry of one read on the reading thread, before any goes to a call thread: finishes what
     * it can at once without waiting (a call the worker answers itself, whose reply leaves with the loop's
     * next read or joins the next batch) and does in one round trip what every entry needs (starting the
     * session-locked calls). Returns, per entry
     * and in order, what a call thread still has to do, or empty when the entry is done. Must not throw for
     * a bad entry: leave it to {@link #handle}. The default hands every entry to {@link #handle}.
     */
    default List<Optional<Runnable>> admit(String pool, List<StreamMessage<byte[], byte[]>> messages) {
        return eachToHandle(this, pool, messages);
    }

    /**
     * One task per entry, each running it through {@code handler}'s {@link #handle} as a fresh delivery; the
     * list may be changed by the caller.
     */
    static List<Optional<Runnable>> eachToHandle(EntryHandler handler, String pool,
                                                 List<StreamMessage<byte[], byte[]>> messages) {
        List<Optional<Runnable>> tasks = new ArrayList<>(messages.size());
        for (StreamMessage<byte[], byte[]> message : messages) {
            tasks.add(Optional.of(() -> handler.handle(pool, message, 1)));
        }
        return tasks;
    }
}
