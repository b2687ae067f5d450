package io.mcpca.shared.testing;

import io.mcpca.shared.redis.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for one test: 3 masters and (by default) 3 replicas, each a private {@code redis-server} on
 * 127.0.0.1 (BUILD-NOTES: Cluster), joined by {@code redis-cli --cluster create ... --cluster-replicas 1}. Lifecycle:
 * 1. {@link #start} picks free ports whose cluster-bus ports (+10000) are free too, starts the nodes, creates the
 * cluster and waits for {@code cluster_state:ok}; 2. a test {@link #kill}s a master and {@link #awaitOk}s the
 * failover, or {@link #moveSlot}s a slot to another master as a resharding does; 3. {@link #close} stops every
 * node and removes their directories.
 */
public final class RedisCluster implements AutoCloseable {

    /**
     * How long a master may be unreachable before its replica takes over: Redis's default is 15 s; 2 s keeps the
     * failover test short and is still far above a loopback round trip under CI load.
     */
    public static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);
    /** Masters of every cluster started here: the fewest {@code redis-cli --cluster create} accepts. */
    private static final int MASTERS = 3;
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

    private final Map<Integer, RedisServerProcess> nodes;
    /** Paused nodes' process ids, by port. */
    private final Map<Integer, String> paused = new java.util.concurrent.ConcurrentHashMap<>();

    private RedisCluster(Map<Integer, RedisServerProcess> nodes) {
        this.nodes = nodes;
    }

    public static RedisCluster start() {
        return start(1, List.of());
    }

    /**
     * A cluster of 3 masters with {@code replicasPerMaster} replicas each (0: no failover, three processes);
     * {@code extraArgs} go to every node (e.g. {@code --aclfile path}; the default user must stay usable without a
     * password, as the cluster is created and inspected with a plain {@code redis-cli}).
     */
    public static RedisCluster start(int replicasPerMaster, List<String> extraArgs) {
        Map<Integer, RedisServerProcess> nodes = new LinkedHashMap<>();
        RedisCluster cluster = new RedisCluster(nodes);
        try {
            for (int port : freePorts(MASTERS * (1 + replicasPerMaster))) {
                List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes-" + port + ".conf",
                        "--cluster-node-timeout", Long.toString(NODE_TIMEOUT.toMillis())));
                args.addAll(extraArgs);
                nodes.put(port, RedisServerProcess.start(port, args));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
            String out = run(create, CREATE_TIMEOUT);
            if (!out.contains("[OK] All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
            cluster.awaitOk(CREATE_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The one Redis setting naming this cluster: every node as a seed. */
    public String uri() {
        return "redis-cluster://" + nodes.keySet().stream().map(p -> "127.0.0.1:" + p)
                .collect(Collectors.joining(","));
    }

    /** The port of the master serving {@code slot} now. */
    public int masterOf(int slot) {
        for (int port : livePorts()) {
            for (String line : cli(port, "cluster", "nodes").split("\n")) {
                String[] f = line.split(" ");
                if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < f.length; i++) {
                    if (f[i].startsWith("[")) {
                        continue; // a slot being migrated
                    }
                    String[] range = f[i].split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        return Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1, f[1].indexOf('@')));
                    }
                }
            }
            throw new IllegalStateException("no master serves slot " + slot);
        }
        throw new IllegalStateException("no node is alive");
    }

    /**
     * Waits until each of the 3 masters has its replica online (INFO replication: {@code state=online}): {@code cluster_state:ok}
     * comes before the replicas' first sync ends, and a WAIT before then finds no replica.
     */
    public void awaitReplicasOnline(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            long served = livePorts().stream().map(p -> cli(p, "info", "replication"))
                    .filter(info -> info.contains("role:master") && info.contains("state=online")).count();
            if (served == MASTERS) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("the replicas were not online within " + timeout);
    }

    /**
     * The ports of the replicas of the master on {@code masterPort}, as the cluster has them now (the third and
     * fourth fields of {@code CLUSTER NODES}: flags, and the id of a replica's master).
     */
    public List<Integer> replicasOf(int masterPort) {
        String[] lines = cli(livePorts().get(0), "cluster", "nodes").split("\n");
        String masterId = null;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length > 2 && portOf(f[1]) == masterPort) {
                masterId = f[0];
            }
        }
        List<Integer> replicas = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length > 3 && f[2].contains("slave") && f[3].equals(masterId)) {
                replicas.add(portOf(f[1]));
            }
        }
        return replicas;
    }

    private static int portOf(String address) { // 127.0.0.1:7001@17001
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1, address.indexOf('@')));
    }

    /**
     * Stops the node on {@code port} (SIGSTOP) without closing its connections, as a frozen host would: a master
     * still counts a paused replica as connected, but it acknowledges nothing until {@link #resume}.
     */
    public void pause(int port) {
        String pid = cli(port, "info", "server").lines().filter(l -> l.startsWith("process_id:"))
                .map(l -> l.substring("process_id:".length()).trim()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no process_id in INFO of node " + port));
        signal(pid, "-STOP");
        paused.put(port, pid);
    }

    /** Lets a {@link #pause}d node go on. */
    public void resume(int port) {
        String pid = paused.remove(port);
        if (pid != null) {
            signal(pid, "-CONT");
        }
    }

    private static void signal(String pid, String signal) {
        String out = run(List.of("kill", signal, pid), Duration.ofSeconds(10));
        if (!out.isBlank()) {
            throw new IllegalStateException("kill " + signal + " " + pid + ": " + out);
        }
    }

    /** The ports of the live masters, in port order. */
    public List<Integer> masters() {
        List<Integer> masters = new ArrayList<>();
        for (String line : cli(livePorts().get(0), "cluster", "nodes").split("\n")) {
            String[] f = line.split(" ");
            if (f.length >= 8 && f[2].contains("master") && !f[2].contains("fail")) {
                masters.add(portOf(f[1]));
            }
        }
        return masters.stream().sorted().toList();
    }

    /**
     * Moves {@code slot} from the master serving it to the master on {@code target}, the way {@code redis-cli --cluster
     * reshard} does, while clients keep working: 1. the target marks it IMPORTING, the source MIGRATING (from now on
     * the source answers ASK for a key it no longer has); 2. the source MIGRATEs its keys in the slot, a few at a time,
     * until none is left (each MIGRATE is atomic: a key is on one node or the other, a stream with its consumer
     * groups);
     * 3. {@code CLUSTER SETSLOT slot NODE target} on the target, the source and then every other master (the source
     * answers MOVED from then on). Returns how many keys moved.
     */
    public int moveSlot(int slot, int target) {
        int source = masterOf(slot);
        if (source == target) {
            throw new IllegalArgumentException("slot " + slot + " is served by " + target + " already");
        }
        String sourceId = nodeId(source);
        String targetId = nodeId(target);
        expectOk(cli(target, "cluster", "setslot", Integer.toString(slot), "importing", sourceId));
        expectOk(cli(source, "cluster", "setslot", Integer.toString(slot), "migrating", targetId));
        int moved = 0;
        while (true) {
            List<String> keys = cli(source, "cluster", "getkeysinslot", Integer.toString(slot), "10").lines()
                    .filter(k -> !k.isBlank()).toList();
            if (keys.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("migrate", "127.0.0.1", Integer.toString(target), "", "0",
                    "5000", "KEYS"));
            migrate.addAll(keys);
            String out = cli(source, migrate.toArray(String[]::new)).trim();
            if (!out.equals("OK") && !out.equals("NOKEY")) {
                throw new IllegalStateException("MIGRATE of " + keys + " from " + source + " to " + target + ": "
                        + out);
            }
            moved += keys.size();
        }
        expectOk(cli(target, "cluster", "setslot", Integer.toString(slot), "node", targetId));
        expectOk(cli(source, "cluster", "setslot", Integer.toString(slot), "node", targetId));
        for (int master : masters()) {
            if (master != source && master != target) {
                expectOk(cli(master, "cluster", "setslot", Integer.toString(slot), "node", targetId));
            }
        }
        return moved;
    }

    /** A command's text output as {@code redis-cli -p port} prints it (no tty: one value a line). */
    public String command(int port, String... args) {
        return cli(port, args);
    }

    private String nodeId(int port) {
        return cli(port, "cluster", "myid").trim();
    }

    private static void expectOk(String out) {
        if (!out.trim().equals("OK")) {
            throw new IllegalStateException("redis-cli answered " + out.trim());
        }
    }

    /** Kills the node on {@code port} as a crash would (its replica takes over after {@link #NODE_TIMEOUT}). */
    public void kill(int port) {
        nodes.get(port).kill();
    }

    /** Waits until every live node reports {@code cluster_state:ok} (all slots served again). */
    public void awaitOk(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (livePorts().stream().allMatch(p -> cli(p, "cluster", "info").contains("cluster_state:ok"))) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("cluster not ok within " + timeout);
    }

    private List<Integer> livePorts() {
        return nodes.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    private static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(10));
    }

    private static String run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not end within " + timeout);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} ports below 55536 whose cluster-bus ports (port + 10000) are free as well. */
    private static List<Integer> freePorts(int count) {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (!ports.contains(port) && bindable(port) && bindable(port + 10_000)) {
                ports.add(port);
            }
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        List.copyOf(paused.keySet()).forEach(this::resume);
        nodes.values().forEach(RedisServerProcess::close);
    }
}
