package io.mcpca.workers.consume;

import io.lettuce.core.StreamMessage;

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
     * Finishes the entry on the reading thread if that takes no waiting (a call the worker answers
     * itself, whose reply joins the next batch); otherwise does nothing and returns false, and the entry
     * goes to {@link #handle} on a call thread. Must not throw for a bad entry: return false and let
     * {@link #handle} deal with it.
     */
    default boolean handleAtOnce(String pool, StreamMessage<byte[], byte[]> message, int delivery) {
        return false;
    }
}
