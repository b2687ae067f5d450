package io.mcpca.shared.session;

import java.util.Map;
import java.util.Objects;

/**
 * One analysis session's state as a {@link SessionStore} holds it.
 *
 * @param schema      layout version of the stored record; readers refuse layouts they do not know
 * @param sessionId   the session
 * @param version     optimistic-concurrency version: 1 when created, +1 per write (a worker writes
 *                    once per completed call, so it also counts the session's calls)
 * @param fence       the highest lease fencing token that wrote the record, 0 if no fenced write yet
 * @param attributes  the session's own data (history, settings), names to text values
 * @param updatedAtMs epoch ms of the last write, by the writer's clock
 */
public record Session(int schema, String sessionId, long version, long fence, Map<String, String> attributes,
                      long updatedAtMs) {

    public static final int SCHEMA = 1;

    public Session {
        Objects.requireNonNull(sessionId, "sessionId");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
