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
    /**
     * Calls a session's history keeps (finishCall-4.lua's ring, fields {@code h:<version mod HISTORY_MAX>}): the
     * issue's "last N calls", at ~300 bytes each ~30 KB per session at most.
     */
    public static final int HISTORY_MAX = 100;
    /** Field prefix of a history entry ({@code h:<slot>} = {@code <version> <entry JSON>}). */
    public static final String HISTORY_FIELD = "h:";
    /** Field prefix of a count of the session's calls per final state ({@code _n:<state>}). */
    public static final String COUNT_FIELD = "_n:";
    /** Field naming the principal that owns the session (create-session, or the MCP connection that used it). */
    public static final String OWNER_FIELD = "_owner";
    /** Field holding the name create-session gave the session. */
    public static final String NAME_FIELD = "_name";

    public Session {
        Objects.requireNonNull(sessionId, "sessionId");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
