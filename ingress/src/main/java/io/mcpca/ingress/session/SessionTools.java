package io.mcpca.ingress.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.ingress.mcp.IngressAnswered;
import io.mcpca.ingress.mcp.IngressAnswered.Refused;
import io.mcpca.ingress.mcp.ToolHandler;
import io.mcpca.shared.session.Session;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session tools, answered by the ingress from the session records: {@code create-session} (named sessions are
 * found again from any connection of their owner), {@code get-session-info}, {@code get-session-history} (the last
 * calls, as the worker wrote them when each call finished), {@code clear-session} and {@code list-sessions}. A call
 * joins a session by naming it in {@code _meta.sessionId} ({@link ToolCallHandler}); without one it runs in its MCP
 * connection's session, which these tools show too.
 */
public final class SessionTools {

    /** The tools this class answers. */
    public static final Set<String> NAMES = Set.of("create-session", "get-session-info", "get-session-history",
            "clear-session", "list-sessions");

    private static final Logger log = LoggerFactory.getLogger(SessionTools.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DEFAULT_HISTORY = 20;
    static final int DEFAULT_LIST = 50;
    /** Session keys one list-sessions call looks at before it answers with a cursor. */
    static final int MAX_SCANNED = 20_000;

    private final SessionDirectory sessions;

    public SessionTools(SessionDirectory sessions) {
        this.sessions = sessions;
    }

    /** The handler of one session tool (Redis reads: on a bounded-elastic thread). */
    public ToolHandler handlerFor(ToolDescriptor tool) {
        return IngressAnswered.handler(tool.name(), (name, principal, args, exchange, call) -> switch (name) {
            case "create-session" -> create(principal, args);
            case "get-session-info" -> info(principal, sessionId(args));
            case "get-session-history" -> history(principal, sessionId(args), args);
            case "clear-session" -> clear(principal, sessionId(args));
            case "list-sessions" -> list(principal, args);
            default -> throw new Refused(ErrorCode.UNKNOWN_TOOL, "unknown tool: " + name);
        });
    }

    private Map<String, Object> create(String principal, Map<String, Object> args) {
        String name = args.get("name") instanceof String s ? s : "";
        Optional<Duration> ttl = args.get("ttlSeconds") instanceof Number n ? Optional.of(Duration.ofSeconds(n.longValue()))
                : Optional.empty();
        SessionDirectory.Created created = sessions.create(principal, name, ttl);
        Map<String, Object> out = info(principal, created.sessionId());
        out.put("created", created.created());
        return out;
    }

    private Map<String, Object> info(String principal, String sessionId) {
        Map<String, String> record = owned(principal, sessionId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", sessionId);
        out.put("name", record.getOrDefault(Session.NAME_FIELD, ""));
        out.put("state", sessions.running(sessionId) ? "RUNNING" : "IDLE");
        out.put("version", Long.parseLong(record.getOrDefault("_version", "0")));
        long ttl = sessions.ttlMs(sessionId);
        out.put("ttlSeconds", ttl < 0 ? ttl : ttl / 1000);
        instant(record.get("_createdAtMs")).ifPresent(t -> out.put("createdAt", t));
        instant(record.get("_updatedAtMs")).ifPresent(t -> out.put("updatedAt", t));
        Map<String, Long> calls = new TreeMap<>();
        record.forEach((field, value) -> {
            if (field.startsWith(Session.COUNT_FIELD)) {
                calls.put(field.substring(Session.COUNT_FIELD.length()), Long.parseLong(value));
            }
        });
        out.put("calls", calls);
        Map<String, String> attributes = new TreeMap<>();
        record.forEach((field, value) -> {
            if (field.startsWith("a:")) {
                attributes.put(field.substring(2), value);
            }
        });
        out.put("attributes", attributes);
        return out;
    }

    private Map<String, Object> history(String principal, String sessionId, Map<String, Object> args) {
        int limit = args.get("limit") instanceof Number n ? n.intValue() : DEFAULT_HISTORY;
        Map<String, String> record = owned(principal, sessionId);
        List<Map<String, Object>> entries = new ArrayList<>();
        record.forEach((field, value) -> {
            if (field.startsWith(Session.HISTORY_FIELD)) {
                int space = value.indexOf(' ');
                try {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("sequence", Long.parseLong(value.substring(0, space)));
                    entry.putAll(JSON.readValue(value.substring(space + 1), new TypeReference<Map<String, Object>>() { }));
                    entries.add(entry);
                } catch (JsonProcessingException | RuntimeException e) {
                    log.warn("session {}: unreadable history entry {}: {}", sessionId, field, e.toString());
                }
            }
        });
        entries.sort(Comparator.comparingLong((Map<String, Object> e) -> (Long) e.get("sequence")).reversed());
        List<Map<String, Object>> newest = entries.subList(0, Math.min(limit, entries.size()));
        newest.forEach(e -> {
            e.put("queuedAt", Instant.ofEpochMilli(((Number) e.remove("queuedAtMs")).longValue()).toString());
            long finished = ((Number) e.remove("finishedAtMs")).longValue();
            e.put("finishedAt", Instant.ofEpochMilli(finished).toString());
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", sessionId);
        out.put("calls", newest);
        out.put("kept", entries.size());
        out.put("keptAtMost", Session.HISTORY_MAX);
        return out;
    }

    private Map<String, Object> clear(String principal, String sessionId) {
        if (!sessions.clear(principal, sessionId)) {
            throw notFound(sessionId);
        }
        return Map.of("sessionId", sessionId, "cleared", true);
    }

    private Map<String, Object> list(String principal, Map<String, Object> args) {
        int limit = args.get("limit") instanceof Number n ? n.intValue() : DEFAULT_LIST;
        String cursor = args.get("cursor") instanceof String s ? s : "0";
        if (!cursor.matches("[0-9]{1,20}")) {
            throw new Refused(ErrorCode.BAD_ARGUMENTS, "cursor is not one this tool gave: " + cursor);
        }
        SessionDirectory.Page page = sessions.list(principal, cursor, limit, MAX_SCANNED);
        List<Map<String, Object>> listed = new ArrayList<>();
        for (String sessionId : page.sessionIds()) {
            sessions.record(principal, sessionId).ifPresent(record -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("sessionId", sessionId);
                one.put("name", record.getOrDefault(Session.NAME_FIELD, ""));
                one.put("version", Long.parseLong(record.getOrDefault("_version", "0")));
                instant(record.get("_updatedAtMs")).ifPresent(t -> one.put("updatedAt", t));
                listed.add(one);
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessions", listed);
        if (!"0".equals(page.cursor())) {
            out.put("nextCursor", page.cursor());
        }
        return out;
    }

    private Map<String, String> owned(String principal, String sessionId) {
        return sessions.record(principal, sessionId).orElseThrow(() -> notFound(sessionId));
    }

    private static String sessionId(Map<String, Object> args) {
        return String.valueOf(args.get("sessionId"));
    }

    private static Optional<String> instant(String epochMs) {
        return epochMs == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(epochMs)).toString());
    }

    /** A session the caller does not own and no session at all get the same NOT_FOUND, so ids leak nothing. */
    private static Refused notFound(String sessionId) {
        return new Refused(ErrorCode.NOT_FOUND, "no session " + sessionId + " of yours (it never existed, expired, was cleared, or is "
                + "another principal's)");
    }


}
