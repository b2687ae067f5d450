package io.mcpca.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where one phase of a benchmark spends CPU, per item: the server JVM, its analyzer processes (its descendants),
 * the Redis server and this client JVM. CPU time moves far less than wall time with whatever else a shared machine
 * runs, so the split is the number to read when the rates are noisy. With {@code jfrDir}, each phase is also
 * recorded by JFR in the server JVM ({@code jcmd JFR.start} before the phase, {@code JFR.stop} after it, both outside
 * the timed window), as {@code <jfrDir>/<phase>.jfr} (read it with bench/jfr-top).
 */
final class PhaseCpu {

    private final Optional<ProcessHandle> server;
    private final Optional<ProcessHandle> redis;
    private final Optional<Path> jfrDir;
    private Map<String, Long> start = Map.of();
    private String phase = "";

    /**
     * @param serverPid the server JVM's pid, or 0 when unknown
     * @param redisPort its Redis server's port
     * @param jfrDir    where to write a JFR recording of each phase, if anywhere
     */
    PhaseCpu(long serverPid, String redisPort, Optional<Path> jfrDir) {
        this.jfrDir = jfrDir.filter(d -> serverPid > 0);
        this.server = serverPid > 0 ? ProcessHandle.of(serverPid) : Optional.empty();
        this.redis = redisPort.isEmpty() ? Optional.empty() : ProcessHandle.allProcesses()
                .filter(p -> CpuTime.cmdline(p).contains("redis-server") && CpuTime.cmdline(p).contains(":" + redisPort))
                .findFirst();
    }

    void begin(String phase) {
        this.phase = phase;
        jfrDir.ifPresent(d -> jcmd("JFR.start", "name=" + phase, "settings=profile"));
        start = sample();
    }

    /** CPU microseconds per item of each process group since {@link #begin}. */
    String perItem(int items) {
        Map<String, Long> end = sample();
        jfrDir.ifPresent(d -> jcmd("JFR.stop", "name=" + phase, "filename=" + d.resolve(phase + ".jfr")));
        return end.entrySet().stream().map(e -> String.format("%s %.0f us", e.getKey(),
                (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / 1e3 / items)).collect(Collectors.joining(", "));
    }

    private Map<String, Long> sample() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        cpu.put("server JVM", CpuTime.nanos(server.stream().toList()));
        cpu.put("analyzers", CpuTime.nanos(server.stream().flatMap(ProcessHandle::descendants).toList()));
        cpu.put("redis", CpuTime.nanos(redis.stream().toList()));
        cpu.put("client JVM", CpuTime.nanos(List.of(ProcessHandle.current())));
        return cpu;
    }

    private void jcmd(String... command) {
        List<String> line = new java.util.ArrayList<>(List.of("jcmd", Long.toString(server.orElseThrow().pid())));
        line.addAll(List.of(command));
        try {
            new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
