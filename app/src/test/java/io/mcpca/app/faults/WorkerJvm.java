package io.mcpca.app.faults;

import io.mcpca.app.McpcaApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker as a separate JVM (ingress off; or ingress and worker, as {@code serve}), so a test can kill -9,
 * SIGSTOP, SIGCONT and SIGTERM it like an operator or a crash would. Its output goes to a log file the test can read.
 */
public final class WorkerJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private WorkerJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static WorkerJvm start(Path dir, String name, String redisUri, String prefix, Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("--mcpca.ingress.enabled=false", "--mcpca.worker.pools=fast",
                "--mcpca.worker.management-port=0"));
        args.addAll(List.of(extra));
        return launch(dir, name, redisUri, prefix, root, args);
    }

    /** A process of this application with exactly these role arguments (besides Redis, prefix and root). */
    public static WorkerJvm process(Path dir, String name, String redisUri, String prefix, Path root, String... args) {
        return launch(dir, name, redisUri, prefix, root, List.of(args));
    }

    /** Ingress and worker in one JVM, as {@code ./mcpca serve}, its MCP endpoint on {@code port}. */
    public static WorkerJvm serve(Path dir, String name, String redisUri, String prefix, Path root, int port,
                           String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=" + port));
        args.addAll(List.of(extra));
        return launch(dir, name, redisUri, prefix, root, args);
    }

    private static WorkerJvm launch(Path dir, String name, String redisUri, String prefix, Path root,
                                    List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dmcpca.analyzer.path=" + System.getProperty("mcpca.analyzer.path", ""),
                "-cp", System.getProperty("java.class.path"), McpcaApplication.class.getName(),
                "--mcpca.redis-url=" + redisUri, "--mcpca.prefix=" + prefix,
                "--mcpca.roots[0]=" + root, "--spring.jmx.enabled=false"));
        command.addAll(args);
        Path log = dir.resolve(name + ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new WorkerJvm(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The worker's consumer name starts with its pid (see WorkerConfiguration). */
    boolean owns(String workerId) {
        return workerId.startsWith(pid() + "-");
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    void signal(String name) {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " exited " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void kill9() {
        signal("KILL");
        waitFor(10);
    }

    boolean waitFor(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the worker consumes its pools (its log says so), failing with the end of its log if it exits or
     * takes longer than {@code within}: a test that needs this worker in the load starts it before the load.
     */
    public void awaitConsuming(java.time.Duration within) {
        long until = System.nanoTime() + within.toNanos();
        while (!log().contains(" consuming ")) {
            if (!process.isAlive() || System.nanoTime() > until) {
                String text = log();
                throw new IllegalStateException((process.isAlive() ? "not consuming after " + within : "exited")
                        + "; the end of its log:\n" + text.substring(Math.max(0, text.length() - 4000)));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT");
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitFor(10);
        }
    }
}
