package io.mcpca.shared.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathGuardTest {

    @TempDir
    Path tmp;

    private Path root;
    private Path outside;
    private PathGuard guard;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(root.resolve("A.java"), "class A {}");
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createDirectories(root.resolve("src"));
        Files.createSymbolicLink(root.resolve("escape"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), outside);
        Files.createSymbolicLink(root.resolve("inside-link"), root.resolve("A.java"));
        guard = new PathGuard(List.of(root));
    }

    @Test
    void relativeAndAbsolutePathsInsideARootResolve() throws IOException {
        assertThat(guard.resolve("A.java")).isEqualTo(root.resolve("A.java").toRealPath());
        assertThat(guard.resolve(root.resolve("src").toString())).isEqualTo(root.resolve("src").toRealPath());
        assertThat(guard.resolve("src/../A.java")).isEqualTo(root.resolve("A.java").toRealPath());
        assertThat(guard.resolve("inside-link")).isEqualTo(root.resolve("A.java").toRealPath());
    }

    /** Issue 13: a FIFO in a root hung its call until the deadline; special files are refused by kind. */
    @Test
    void fifosSocketsAndDeviceNodesAreRefusedByKind() throws Exception {
        run("mkfifo", root.resolve("pipe.py").toString());
        try (var socket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(java.net.UnixDomainSocketAddress.of(root.resolve("sock.py")));
            assertRejected("pipe.py", ErrorCode.BAD_ARGUMENTS, "pipe.py is a fifo");
            assertRejected("sock.py", ErrorCode.BAD_ARGUMENTS, "sock.py is a socket");
        }
        if (run("mknod", root.resolve("zero.py").toString(), "c", "1", "5") == 0) { // root only
            assertRejected("zero.py", ErrorCode.BAD_ARGUMENTS, "zero.py is a character device");
        }
        Files.createSymbolicLink(root.resolve("zero-link.py"), Path.of("/dev/zero"));
        assertRejected("zero-link.py", ErrorCode.PATH_OUTSIDE_ROOTS, "outside");
        PathGuard devices = new PathGuard(List.of(Path.of("/dev")));
        assertRejected(devices, "/dev/zero", ErrorCode.BAD_ARGUMENTS, "/dev/zero is a character device");
    }

    private static int run(String... command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
    }

    @Test
    void dotDotOutOfTheRootIsRefused() {
        assertRejected("../outside/secret.txt", ErrorCode.PATH_OUTSIDE_ROOTS);
        assertRejected("src/../../outside", ErrorCode.PATH_OUTSIDE_ROOTS);
    }

    @Test
    void absolutePathsElsewhereAreRefused() {
        assertRejected("/etc/passwd", ErrorCode.PATH_OUTSIDE_ROOTS);
        assertRejected(outside.toString(), ErrorCode.PATH_OUTSIDE_ROOTS);
    }

    @Test
    void symlinksThatEscapeAreRefused() {
        assertRejected("escape", ErrorCode.PATH_OUTSIDE_ROOTS);
        assertRejected("escape-dir/secret.txt", ErrorCode.PATH_OUTSIDE_ROOTS);
    }

    @Test
    void missingEmptyAndNulPathsGetClearErrors() {
        assertRejected("nope.java", ErrorCode.NOT_FOUND);
        assertRejected("", ErrorCode.BAD_ARGUMENTS);
        assertRejected("a\0b", ErrorCode.BAD_ARGUMENTS);
    }

    @Test
    void theErrorDoesNotRevealTheRootLocation() {
        assertThatThrownBy(() -> guard.resolve("/etc/passwd"))
                .hasMessageNotContaining(root.toString());
    }

    private void assertRejected(String path, ErrorCode code) {
        assertThatThrownBy(() -> guard.resolve(path))
                .isInstanceOf(PathRejectedException.class)
                .satisfies(e -> assertThat(((PathRejectedException) e).code()).isEqualTo(code));
    }

    private void assertRejected(String path, ErrorCode code, String message) {
        assertRejected(guard, path, code, message);
    }

    private static void assertRejected(PathGuard guard, String path, ErrorCode code, String message) {
        assertThatThrownBy(() -> guard.resolve(path))
                .isInstanceOf(PathRejectedException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((PathRejectedException) e).code()).isEqualTo(code));
    }
}
