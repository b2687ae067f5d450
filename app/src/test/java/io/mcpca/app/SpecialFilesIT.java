package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a FIFO inside a root hung its call for the whole call timeout (and its session behind it),
 * {@code /dev/zero} was read until the analyzer ran out of memory, a 2 GB sparse file was read before being
 * called too large. Through the whole pipeline, with a real MCP client: special files named by a call are
 * refused by kind, those inside a walked tree are skipped with their kind, a huge file is refused by its
 * size, and every answer comes without waiting (the call timeout here is 30 s; a hang would show as
 * {@code DEADLINE_EXCEEDED}), with the session's next call served.
 */
class SpecialFilesIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static PipelineHarness harness;
    static ServerSocketChannel socket;
    static McpSyncClient client;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        Path tree = Files.createDirectories(root.resolve("tree"));
        Files.writeString(tree.resolve("a.py"), "x = 1\n");
        for (Path dir : List.of(root, tree)) {
            run("mkfifo", dir.resolve("pipe.py").toString());
            run("mknod", dir.resolve("zero.py").toString(), "c", "1", "5"); // root only; checked where made
            try (RandomAccessFile huge = new RandomAccessFile(dir.resolve("huge.py").toFile(), "rw")) {
                huge.setLength(2L << 30); // sparse: no block written
            }
            Files.createSymbolicLink(dir.resolve("zero-link.py"), Path.of("/dev/zero"));
        }
        socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(root.resolve("sock.py")));
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root, "--mcpca.ingress.call-timeout=30s");
        client = harness.client();
    }

    @AfterAll
    static void stop() throws IOException {
        if (harness != null) {
            harness.close();
        }
        if (socket != null) {
            socket.close();
        }
    }

    @Test
    void specialFilesNamedByACallAreRefusedByKindAtOnce() {
        for (String tool : List.of("calculate-metrics", "analyze-metrics", "symbols")) {
            assertRefused(tool, "pipe.py", "BAD_ARGUMENTS", "pipe.py is a fifo");
            assertRefused(tool, "sock.py", "BAD_ARGUMENTS", "sock.py is a socket");
            assertRefused(tool, "zero-link.py", "PATH_OUTSIDE_ROOTS", "outside");
            if (Files.exists(root.resolve("zero.py"))) {
                assertRefused(tool, "zero.py", "BAD_ARGUMENTS", "zero.py is a character device");
            }
        }
        assertRefused("calculate-metrics", "huge.py", "BAD_ARGUMENTS", "too large");
        assertThat(structured(call("ping", Map.of()))).containsEntry("pong", true);
    }

    @Test
    void specialFilesInsideAWalkedTreeAreSkippedWithTheirKindAndTheSessionGoesOn() {
        Map<String, Object> metrics = structured(call("analyze-metrics", Map.of("path", "tree")));
        assertThat(asList(metrics.get("files"))).extracting(f -> f.get("path")).containsExactly("tree/a.py");
        Map<Object, Object> reasons = new java.util.TreeMap<>();
        asList(metrics.get("skipped")).forEach(s -> reasons.put(s.get("path"), s.get("reason")));
        Map<String, String> expected = new java.util.TreeMap<>(Map.of("tree/pipe.py", "fifo",
                "tree/huge.py", "too large", "tree/zero-link.py", "symlink"));
        if (Files.exists(root.resolve("tree/zero.py"))) {
            expected.put("tree/zero.py", "character device");
        }
        assertThat(reasons).isEqualTo(expected);

        Map<String, Object> symbols = structured(call("symbols", Map.of("path", "tree")));
        assertThat(asList(symbols.get("skipped"))).anySatisfy(s -> assertThat(s).containsEntry("path", "tree/pipe.py")
                .containsEntry("reason", "fifo"));
        assertThat(structured(call("calculate-metrics", Map.of("path", "tree/a.py")))).containsEntry("path", "tree/a.py");
    }

    private static void assertRefused(String tool, String path, String code, String message) {
        CallToolResult result = call(tool, Map.of("path", path));
        assertThat(result.isError()).as(tool + " " + path + ": " + text(result)).isTrue();
        assertThat(text(result)).as(tool + " " + path).startsWith(code).contains(message);
    }

    /**
     * A call on the test's one session. A call that waited for a writer or read a device would end
     * DEADLINE_EXCEEDED at the harness's 30 s call timeout, and fail the test's assertions on its code and on the
     * session's next call; no wall-clock bound is needed (it failed at 16-23 s under load average 40).
     */
    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void run(String... command) throws Exception {
        new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
    }
}
