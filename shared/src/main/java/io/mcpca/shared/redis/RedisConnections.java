package io.mcpca.shared.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce client per process and the connections cut from it. Lettuce reconnects by itself;
 * commands issued while disconnected are refused at once (not buffered) so callers fail fast and
 * nothing piles up in memory during an outage. With a meter registry, every command's latency is recorded in it
 * ({@code lettuce.command.completion} and {@code .firstresponse}, tagged by command and remote address; not by
 * local address, whose ephemeral port would make a new series per connection).
 *
 * <p>The one setting chooses the mode: {@code redis://} or {@code rediss://} one node, {@code redis-sentinel://} the
 * master a Sentinel names, {@code redis-cluster://host:port,host:port} a Cluster ({@link ClusterSeeds}), whose
 * client follows the topology by itself (below). Every connection is a {@link RedisConnection}, the same type
 * in every mode.
 */
public final class RedisConnections implements AutoCloseable {

    /** Connect timeout: loopback or LAN Redis answers in well under a second; 5 s covers a busy CI box. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Reconnect attempts back off from 10 ms to at most 1 s (Lettuce's default grows to 30 s): a restarted
     * Redis is found within a second, and one attempt a second costs nothing while it stays down.
     */
    private static final Duration RECONNECT_MAX_DELAY = Duration.ofSeconds(1);

    /**
     * TCP keepalive probes after 10 s of silence, every 5 s, 3 unanswered ones closing the connection: a Redis
     * that vanishes without closing its connections (a network partition, a frozen host) is noticed within
     * ~25 s instead of the system's default two hours, and Lettuce reconnects, failing the commands in flight
     * (a blocked read included) so their callers go on.
     */
    private static final SocketOptions.KeepAliveOptions KEEP_ALIVE = SocketOptions.KeepAliveOptions.builder()
            .enable().idle(Duration.ofSeconds(10)).interval(Duration.ofSeconds(5)).count(3).build();

    /**
     * Latency histogram bounds: a loopback command takes ~50 µs, a blocking read up to its block (1 s) plus a
     * little; 100 µs .. 10 s keeps the buckets few and covers both.
     */
    private static final Duration MIN_LATENCY = Duration.ofNanos(100_000);
    private static final Duration MAX_LATENCY = Duration.ofSeconds(10);

    /**
     * A cluster's topology is read again every 10 s, and at once (at most once a second) when a command meets
     * MOVED/ASK, an uncovered slot, an unknown node or a node that stays unreachable: a failover (a replica
     * promoted after {@code cluster-node-timeout}) or a resharding is followed within about a second of Redis
     * settling, without a restart; 10 s bounds how stale the view gets when nothing points at the change.
     */
    private static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(10);
    private static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);

    private final ClientResources resources;
    /** The mode's Lettuce client: exactly one of the two is present. */
    private final Optional<RedisClient> single;
    private final Optional<RedisClusterClient> cluster;

    public RedisConnections(String uri) {
        this(uri, Optional.empty());
    }

    /** @param meters where command latencies go; empty: Lettuce's own (unexported) latency collector */
    public RedisConnections(String uri, Optional<MeterRegistry> meters) {
        this(uri, RedisClientSettings.NONE, meters);
    }

    /**
     * @param settings TLS material and verify mode beyond the URI (a {@code rediss://} one)
     * @param meters   where command latencies go; empty: Lettuce's own (unexported) latency collector
     */
    public RedisConnections(String uri, RedisClientSettings settings, Optional<MeterRegistry> meters) {
        DefaultClientResources.Builder builder = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), RECONNECT_MAX_DELAY, 2, TimeUnit.MILLISECONDS));
        meters.ifPresent(registry -> builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry,
                MicrometerOptions.builder().enable().localDistinction(false).histogram(true)
                        .minLatency(MIN_LATENCY).maxLatency(MAX_LATENCY).build())));
        this.resources = builder.build();
        ClientOptions options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(KEEP_ALIVE).build())
                .sslOptions(settings.sslOptions().orElseGet(SslOptions::create))
                .build();
        if (ClusterSeeds.named(uri)) {
            List<RedisURI> seeds = ClusterSeeds.parse(uri).stream().map(settings::verify).toList();
            this.cluster = Optional.of(clusterClient(resources, seeds, options));
            this.single = Optional.empty();
        } else {
            RedisClient client = RedisClient.create(resources, settings.uri(uri));
            client.setOptions(options);
            this.single = Optional.of(client);
            this.cluster = Optional.empty();
        }
    }

    private static RedisClusterClient clusterClient(ClientResources resources, List<RedisURI> seeds,
                                                    ClientOptions options) {
        RedisClusterClient cluster = RedisClusterClient.create(resources, seeds);
        cluster.setOptions(ClusterClientOptions.builder(options)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
                        .build())
                .build());
        return cluster;
    }

    /** Whether the setting names a Redis Cluster. */
    public boolean isCluster() {
        return cluster.isPresent();
    }

    /** A new connection for text keys and values (locks, scripts, hashes). */
    public RedisConnection<String, String> strings() {
        return connect(StringCodec.UTF8);
    }

    /** A new connection for stream entries (binary MessagePack bodies). */
    public RedisConnection<byte[], byte[]> bytes() {
        return connect(ByteArrayCodec.INSTANCE);
    }

    /** A new pub/sub connection for text channels and messages (cancel events, say). */
    public StatefulRedisPubSubConnection<String, String> pubSub() {
        // on a cluster: PUBLISH reaches every node's subscribers over the cluster bus, so one subscribed connection
        // (to any node, re-subscribed by Lettuce after a reconnect) hears every event
        return cluster.<StatefulRedisPubSubConnection<String, String>>map(c -> c.connectPubSub(StringCodec.UTF8))
                .orElseGet(() -> single.orElseThrow().connectPubSub(StringCodec.UTF8));
    }

    public <K, V> RedisConnection<K, V> connect(RedisCodec<K, V> codec) {
        return cluster.map(c -> RedisConnection.of(c.connect(codec)))
                .orElseGet(() -> RedisConnection.of(single.orElseThrow().connect(codec)));
    }

    @Override
    public void close() {
        AbstractRedisClient client = cluster.<AbstractRedisClient>map(c -> c).orElseGet(single::orElseThrow);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
