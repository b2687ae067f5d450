package io.mcpca.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * CPU time the processes of one run spend, per call: the worker JVMs, this JVM (the ingress side and the
 * load generator), and the Redis server. Far less sensitive than calls/s to whatever else the machine
 * runs, so it is the number to compare across runs on a busy machine.
 */
final class CpuTime {
    private final List<ProcessHandle> workers;
    private final java.util.Optional<ProcessHandle> redis;
    private final long workersStart;
    private final long selfStart;
    private final long redisStart;

    CpuTime(String uri, List<Process> processes) {
        this.workers = processes.stream().map(Process::toHandle).toList();
        String port = ":" + uri.substring(uri.lastIndexOf(':') + 1);
        this.redis = ProcessHandle.allProcesses().filter(p -> cmdline(p).contains("redis-server")
                && cmdline(p).contains(port)).findFirst();
        this.workersStart = nanos(workers);
        this.selfStart = nanos(List.of(ProcessHandle.current()));
        this.redisStart = nanos(redis.stream().toList());
    }

    String perCall(int calls) {
        return String.format("workers %.1f us, ingress side + load %.1f us, redis %.1f us",
                (nanos(workers) - workersStart) / 1e3 / calls,
                (nanos(List.of(ProcessHandle.current())) - selfStart) / 1e3 / calls,
                (nanos(redis.stream().toList()) - redisStart) / 1e3 / calls);
    }

    /** As /proc shows it (redis-server rewrites its title to "redis-server host:port"). */
    static String cmdline(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        } catch (java.io.IOException | RuntimeException gone) {
            return "";
        }
    }

    static long nanos(List<ProcessHandle> handles) {
        return handles.stream().mapToLong(h -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }
}
