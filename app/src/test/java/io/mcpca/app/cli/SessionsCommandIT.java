package io.mcpca.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.exec.CallFinish;
import io.mcpca.shared.exec.CallStart;
import io.mcpca.shared.exec.ExecutionState;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolReply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code mcpca sessions} on a real Redis, over sessions written as a worker writes them (start, then finish). */
class SessionsCommandIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    String prefix;
    Keys keys;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void freshPrefix() {
        prefix = REDIS.newPrefix();
        keys = new Keys(prefix);
    }

    private void call(String sessionId, Map<String, String> attributes) {
        CallStart starts = new CallStart(REDIS.sync(), keys, Duration.ofMinutes(1), Duration.ofDays(1), Clock.systemUTC());
        CallFinish finishes = new CallFinish(REDIS.sync(), keys, Duration.ofMinutes(1), 10_000, Clock.systemUTC());
        String requestId = UUID.randomUUID().toString();
        LockLease lease = starts.tryStart(sessionId, requestId, 1, "w", Duration.ofSeconds(5)).orElseThrow().lease()
                .orElseThrow();
        finishes.finish(new CallFinish.Finish(lease, requestId, ExecutionState.SUCCEEDED, "", attributes,
                Duration.ofHours(1), "w", ToolReply.result(requestId, JsonBytes.of("{}"), "w")));
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--redis-url", REDIS.uri(), "--prefix", prefix}, 0, all, args.length, 4);
        return SessionsCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsShowsExtendsAndClearsSessions() {
        call("alpha", Map.of("lastTool", "ping"));
        call("alpha", Map.of());
        call("beta", Map.of());

        assertThat(run("list")).isZero();
        assertThat(out()).isEqualTo("alpha\nbeta\n");

        assertThat(run("show", "alpha")).isZero();
        assertThat(out()).contains("session   alpha").contains("version   2").contains("fence     2")
                .contains("  lastTool = ping").containsPattern("ttl       [0-9]+m[0-9]+s left");

        assertThat(run("ttl", "beta", "--extend", "48h")).isZero();
        assertThat(out()).matches("beta: (47h59m5[0-9]s|48h) left\n");
        assertThat(REDIS.sync().pttl(keys.session("beta"))).isGreaterThan(Duration.ofHours(47).toMillis());
        assertThat(run("ttl", "beta")).isZero();
        assertThat(out()).startsWith("beta: 4");

        assertThat(run("clear", "alpha")).isZero();
        assertThat(out()).isEqualTo("cleared session alpha\n");
        assertThat(REDIS.sync().exists(keys.session("alpha"))).isZero();
        assertThat(run("list")).isZero();
        assertThat(out()).isEqualTo("beta\n");
    }

    @Test
    void aMissingSessionIsReportedWithExitOne() {
        for (String[] args : new String[][] {{"show", "nope"}, {"clear", "nope"}, {"ttl", "nope"},
                {"ttl", "nope", "--extend", "1h"}}) {
            assertThat(run(args)).as(String.join(" ", args)).isEqualTo(1);
            assertThat(err()).contains("no session nope");
        }
        assertThat(REDIS.sync().exists(keys.session("nope"))).as("extend creates nothing").isZero();
        assertThat(run("list")).isZero();
        assertThat(out()).isEmpty();
    }

    @Test
    void badUsageIsExplainedWithExitTwo() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(errors, true, StandardCharsets.UTF_8);
        assertThat(SessionsCommand.run(new String[] {}, System.out, e)).isEqualTo(2);
        assertThat(SessionsCommand.run(new String[] {"drop"}, System.out, e)).isEqualTo(2);
        assertThat(SessionsCommand.run(new String[] {"show"}, System.out, e)).isEqualTo(2);
        assertThat(SessionsCommand.run(new String[] {"ttl", "s", "--extend"}, System.out, e)).isEqualTo(2);
        assertThat(SessionsCommand.run(new String[] {"ttl", "s", "--extend", "soon"}, System.out, e)).isEqualTo(2);
        assertThat(SessionsCommand.run(new String[] {"list", "--extend", "1h"}, System.out, e)).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("missing subcommand")
                .contains("unknown subcommand drop").contains("show needs a session id")
                .contains("--extend needs a value").contains("unknown option --extend")
                .contains(SessionsCommand.USAGE);
        assertThat(SessionsCommand.run(new String[] {"list", "--redis-url", "redis://127.0.0.1:1"}, System.out, e))
                .isEqualTo(1);
    }
}
