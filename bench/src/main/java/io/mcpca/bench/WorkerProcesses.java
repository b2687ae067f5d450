package io.mcpca.bench;

import io.mcpca.app.McpcaApplication;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The worker JVMs a pipeline benchmark runs: started as ./mcpca starts a worker, signalled, awaited. */
final class WorkerProcesses {

    private WorkerProcesses() {
    }

    static Process startWorker(String uri, String prefix, int concurrency, int n, boolean fastPath)
            throws Exception {
        return startWorker(uri, prefix, n, Files.createTempFile("bench-worker-" + n + "-", ".log"), List.of(
                "--mcpca.worker.pools=fast", "--mcpca.worker.concurrency=" + concurrency,
                "--mcpca.worker.sessionless-fast-path=" + fastPath, "--logging.level.root=WARN"));
    }

    /** A worker JVM with {@code settings} (pools, concurrency, logging, ...), its output in {@code log}. */
    static Process startWorker(String uri, String prefix, int n, Path log, List<String> settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(serviceJvmOptions()); // as ./mcpca starts a worker
        String jvmOptions = System.getenv().getOrDefault("BENCH_WORKER_JVM_OPTS", "").trim();
        if (!jvmOptions.isEmpty()) {
            command.addAll(List.of(jvmOptions.replace("{n}", Integer.toString(n)).split("\\s+")));
        }
        command.addAll(List.of(
                "-Dmcpca.analyzer.path=" + System.getProperty("mcpca.analyzer.path"),
                "-cp", System.getProperty("java.class.path"), McpcaApplication.class.getName(),
                "--mcpca.ingress.enabled=false", "--mcpca.worker.management-port=0",
                "--mcpca.redis-url=" + uri, "--mcpca.prefix=" + prefix, "--spring.jmx.enabled=false"));
        command.addAll(settings);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The services' JVM flags as ./mcpca starts the services ({@code ./mcpca jvm-options}). */
    static List<String> serviceJvmOptions() throws java.io.IOException, InterruptedException {
        Process launcher = new ProcessBuilder("./mcpca", "jvm-options").redirectErrorStream(true).start();
        String flags = new String(launcher.getInputStream().readAllBytes()).strip();
        if (launcher.waitFor() != 0) {
            throw new IllegalStateException("./mcpca jvm-options failed: " + flags);
        }
        return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
    }

    /** Waits until {@code workers} workers have registered themselves in {@code mcpca:workers}. */
    static void awaitConsumers(String uri, Keys keys, int workers) throws Exception {
        awaitConsumers(uri, keys, workers, Duration.ofSeconds(120));
    }

    /** As {@link #awaitConsumers(String, Keys, int)}, waiting up to {@code limit}. */
    static void awaitConsumers(String uri, Keys keys, int workers, Duration limit) throws Exception {
        try (RedisConnections redis = new RedisConnections(uri);
             RedisConnection<String, String> c = redis.strings()) {
            long until = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < until) {
                try {
                    if (c.sync().hlen(keys.workers()) >= workers) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    // no stream or group yet
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException(workers + " workers did not come up within " + limit.toSeconds() + " s");
        }
    }

    /** kill(1) with a signal, no shell: SIGSTOP and SIGCONT have no Java API. */
    static void signal(List<Process> processes, String signal) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " failed");
        }
    }
}
