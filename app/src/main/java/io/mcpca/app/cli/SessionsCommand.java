package io.mcpca.app.cli;

import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.session.Session;
import io.mcpca.shared.session.SessionStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;

/**
 * {@code mcpca sessions list|show <id>|clear <id>|ttl <id> [--extend DURATION]}: an operator reads and
 * administers the sessions calls wrote ({@link SessionStore}): lists their ids, shows one (version = calls
 * finished, fence, last write, time left, attributes), deletes one, or reads and extends its time to live.
 * Exit codes: 0 done, 1 no such session or Redis failed, 2 bad usage.
 */
public final class SessionsCommand {

    static final String USAGE = "usage: mcpca sessions list|show <id>|clear <id>|ttl <id> [--extend 24h] "
            + "[--redis-url redis://host:port] [--prefix mcpca]";
    private static final String EXTEND = "--extend";

    private SessionsCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String action = args.length == 0 ? "" : args[0];
        boolean takesId = Set.of("show", "clear", "ttl").contains(action);
        if (!takesId && !"list".equals(action)) {
            return usage(err, action.isEmpty() ? "missing subcommand" : "unknown subcommand " + action);
        }
        if (takesId && (args.length < 2 || args[1].startsWith("--"))) {
            return usage(err, action + " needs a session id");
        }
        RedisOptions options;
        Optional<Duration> extend;
        try {
            options = RedisOptions.parse(args, takesId ? 2 : 1, "ttl".equals(action) ? Set.of(EXTEND) : Set.of());
            extend = options.get(EXTEND).map(text -> DurationStyle.detectAndParse(text));
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        try (RedisConnections client = new RedisConnections(options.uri(), options.settings(), Optional.empty());
             RedisConnection<String, String> connection = client.strings()) {
            SessionStore sessions = new SessionStore(connection.sync(), new Keys(options.prefix()));
            return switch (action) {
                case "list" -> list(sessions, out);
                case "show" -> show(sessions, args[1], out, err);
                case "clear" -> clear(sessions, args[1], out, err);
                default -> ttl(sessions, args[1], extend, out, err);
            };
        } catch (RuntimeException e) {
            err.println("mcpca sessions: " + e.getMessage());
            return 1;
        }
    }

    private static int list(SessionStore sessions, PrintStream out) {
        sessions.getSessions().forEach(out::println);
        return 0;
    }

    private static int show(SessionStore sessions, String id, PrintStream out, PrintStream err) {
        Optional<Session> found = sessions.getSession(id);
        if (found.isEmpty()) {
            return missing(err, id);
        }
        Session session = found.get();
        out.println("session   " + session.sessionId());
        out.println("version   " + session.version());
        out.println("fence     " + session.fence());
        out.println("updated   " + Instant.ofEpochMilli(session.updatedAtMs()));
        out.println("ttl       " + sessions.getSessionTtl(id).map(SessionsCommand::describe).orElse("expired"));
        session.attributes().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(a -> out.println("  " + a.getKey() + " = " + a.getValue()));
        return 0;
    }

    private static int clear(SessionStore sessions, String id, PrintStream out, PrintStream err) {
        if (!sessions.clearSession(id)) {
            return missing(err, id);
        }
        out.println("cleared session " + id);
        return 0;
    }

    private static int ttl(SessionStore sessions, String id, Optional<Duration> extend, PrintStream out,
                           PrintStream err) {
        if (extend.isPresent() && !sessions.extendSessionTtl(id, extend.get())) {
            return missing(err, id);
        }
        Optional<Duration> left = sessions.getSessionTtl(id);
        if (left.isEmpty()) {
            return missing(err, id);
        }
        out.println(id + ": " + describe(left.get()));
        return 0;
    }

    /** Time left, to the second ({@code 23h59m58s left}), or that the record never expires. */
    static String describe(Duration left) {
        if (left.equals(ChronoUnit.FOREVER.getDuration())) {
            return "no expiry";
        }
        Duration seconds = left.truncatedTo(ChronoUnit.SECONDS);
        return seconds.toString().substring(2).toLowerCase() + " left";
    }

    private static int missing(PrintStream err, String id) {
        err.println("mcpca sessions: no session " + id);
        return 1;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("mcpca sessions: " + problem);
        err.println(USAGE);
        return 2;
    }
}
