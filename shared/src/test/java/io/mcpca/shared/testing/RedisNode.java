package io.mcpca.shared.testing;

import io.mcpca.shared.redis.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code redis-server} or {@code redis-sentinel} process for tests that need more than the plain private server
 * of {@link RedisServerExtension}: a replica, a Sentinel, TLS, ACL users. Loopback only, a free port, no persistence,
 * its own directory (its config file and log there); arguments as a list, never a shell string. {@link #kill} ends it
 * as a crash would, {@link #start} starts it again with the same arguments (empty).
 */
public final class RedisNode implements AutoCloseable {

    /** A fresh server answers in ~20 ms; 10 s is generous for a busy CI machine. */
    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final String executable;
    private final int port;
    private final Path dir;
    private final List<String> configLines;
    private Process process;

    /**
     * @param executable  {@code redis-server} or {@code redis-sentinel}
     * @param configLines lines of its config file besides port, bind, dir and persistence (a Sentinel rewrites its
     *                    config file, so options go there rather than on the command line)
     */
    private RedisNode(String executable, int port, Path dir, List<String> configLines) {
        this.executable = executable;
        this.port = port;
        this.dir = dir;
        this.configLines = configLines;
    }

    /** A started redis-server; {@code configLines} e.g. {@code "replicaof 127.0.0.1 6380"}. */
    public static RedisNode server(Path parent, String name, List<String> configLines) {
        return launch("redis-server", parent, name, RedisServerProcess.freePort(), configLines);
    }

    /** A redis-server whose TLS port is {@link #port} (plain TCP off); {@code configLines} add to the TLS ones. */
    public static RedisNode tlsServer(Path parent, String name, TlsMaterial tls, List<String> configLines) {
        int port = RedisServerProcess.freePort();
        List<String> lines = new ArrayList<>(List.of("port 0", "tls-port " + port,
                "tls-cert-file " + tls.serverCert(), "tls-key-file " + tls.serverKey(), "tls-ca-cert-file " + tls.caCert(),
                "tls-auth-clients optional"));
        lines.addAll(configLines);
        return launch("redis-server", parent, name, port, lines);
    }

    /** A started redis-sentinel. */
    public static RedisNode sentinel(Path parent, String name, List<String> configLines) {
        return launch("redis-sentinel", parent, name, RedisServerProcess.freePort(), configLines);
    }

    private static RedisNode launch(String executable, Path parent, String name, int port, List<String> lines) {
        try {
            Path dir = Files.createDirectories(parent.resolve(name));
            RedisNode node = new RedisNode(executable, port, dir, lines);
            node.start();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Starts the process (again, empty, with a fresh config file) and waits until its port accepts connections. */
    public void start() {
        List<String> config = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
                "save \"\"", "appendonly no", "loglevel notice", "logfile " + dir.resolve("log")));
        if (configLines.stream().anyMatch(l -> l.startsWith("port "))) {
            config.remove(0); // a TLS server: "port 0" comes with its own lines
        }
        config.addAll(configLines);
        try {
            Path file = dir.resolve("node.conf");
            Files.write(file, config);
            // a higher priority where allowed (root; else nice says so and runs it as it is): on a loaded test machine
            // Redis and the Sentinels keep their timing, as on hosts of their own
            process = new ProcessBuilder("nice", "-n", "-10", executable, file.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        if (!RedisServerProcess.awaitAccepting(process, port, STARTUP)) {
            throw new IllegalStateException(executable + " exited at start: " + log());
        }
    }

    /** SIGKILL, as a crash. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        kill();
    }
}
