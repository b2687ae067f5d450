package io.mcpca.ingress.metrics;

import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many MCP sessions the SDK's Streamable HTTP transport holds. The SDK (2.1.0) keeps them in a private map
 * and offers no count, and sessions also end inside it (its idle sweeper, a DELETE), out of our sight: so the
 * count is read from that map, by reflection. If a later SDK renames the field, {@link #of} finds nothing and the
 * gauge is not registered (logged once); nothing else depends on it.
 */
public final class McpSessionCount {

    private static final Logger log = LoggerFactory.getLogger(McpSessionCount.class);
    private static final String FIELD = "sessions";

    private final Map<?, ?> sessions;

    private McpSessionCount(Map<?, ?> sessions) {
        this.sessions = sessions;
    }

    /** The counter of {@code transport}'s sessions, if its session map can be read. */
    public static Optional<McpSessionCount> of(HttpServletStreamableServerTransportProvider transport) {
        try {
            Field field = HttpServletStreamableServerTransportProvider.class.getDeclaredField(FIELD);
            field.setAccessible(true);
            if (field.get(transport) instanceof Map<?, ?> map) {
                return Optional.of(new McpSessionCount(map));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("mcpca.ingress.sessions.open is not exported: the MCP SDK's session map is not readable ({})",
                    e.toString());
        }
        return Optional.empty();
    }

    public int open() {
        return sessions.size();
    }
}
