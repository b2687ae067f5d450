package io.mcpca.workers.consume;

import io.lettuce.core.StreamMessage;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.charset.StandardCharsets;

/**
 * One request-stream entry, decoded once: the call, the entry it came in, the pool (consumer group) that
 * delivered it, and how many times it has been delivered (1 for a fresh read). Every role of the worker core
 * takes this, so no role decodes the entry again.
 */
public record Delivered(String pool, StreamMessage<byte[], byte[]> message, ToolRequest request, int delivery) {

    /** The entry's stream key as text (the claim refresher and the hand-back name streams so). */
    public String stream() {
        return new String(message.getStream(), StandardCharsets.UTF_8);
    }

    public String entryId() {
        return message.getId();
    }
}
