package io.mcpca.shared.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A private {@code redis-server} child process on 127.0.0.1 and a free port, without persistence.
 * Used by the embedded {@code serve} mode when no Redis answers, and by tests (which kill and
 * restart it to prove recovery). Lifecycle: 1. {@link #start} picks a port and waits until the
 * server accepts connections; 2. {@link #kill} ends it at once (SIGKILL); 3. {@link #restart}
 * starts it again, empty, on the same port; 4. {@link #close} stops it and removes its directory.
 */
public final class RedisServerProcess implements AutoCloseable {

    /** How long a fresh redis-server may take to accept connections (measured: ~20 ms; generous for CI). */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

    private final String executable;
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisServerProcess(String executable, int port, Path dir, List<String> extraArgs) {
        this.executable = executable;
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Where redis-server is, if installed ({@code REDIS_SERVER_BIN} overrides the search of the PATH). */
    public static Optional<String> findExecutable() {
        String override = System.getenv("REDIS_SERVER_BIN");
        if (override != null && !override.isBlank()) {
            return Optional.of(override);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        for (String fallback : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(fallback))) {
                return Optional.of(fallback);
            }
        }
        return Optional.empty();
    }

    public static RedisServerProcess start() {
        return start(freePort(), List.of());
    }

    /** A server on {@code port} with these options besides the usual ones (a cluster node's, say). */
    public static RedisServerProcess start(int port, List<String> extraArgs) {
        String executable = findExecutable().orElseThrow(() -> new IllegalStateException(
                "redis-server is not installed; install it (Debian: apt-get install redis-server) or set REDIS_URL"));
        try {
            RedisServerProcess server = new RedisServerProcess(executable, port,
                    Files.createTempDirectory("mcpca-redis-"), extraArgs);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Ends the server at once, as a crash would. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server again on the same port, with no data. */
    public void restart() {
        kill();
        launch();
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover empty temp directory is harmless
        }
    }

    private void launch() {
        // Argument list, never a shell string. No persistence: tests and the embedded mode own their data.
        List<String> command = new java.util.ArrayList<>(List.of(executable,
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--protected-mode", "yes", "--loglevel", "warning"));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        if (!awaitAccepting(process, port, STARTUP_TIMEOUT)) {
            throw new IllegalStateException("redis-server exited at start; see " + dir.resolve("redis.log"));
        }
    }

    /**
     * Waits until {@code process} accepts TCP connections on {@code port} of the loopback address: true once it does,
     * false if it exits first; after {@code timeout} it is killed and an IllegalStateException says so.
     */
    public static boolean awaitAccepting(Process process, int port, Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        while (Instant.now().isBefore(until)) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException notYet) {
                sleepQuietly(Duration.ofMillis(10));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(process.info().command().orElse("the server") + " did not accept connections "
                + "on port " + port + " within " + timeout);
    }

    /** A port free on the loopback address now (another process may take it before it is used). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
