package io.mcpca.shared.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;

/**
 * One Lettuce client per process and the connections cut from it. Lettuce reconnects by itself;
 * commands issued while disconnected are refused at once (not buffered) so callers fail fast and
 * nothing piles up in memory during an outage.
 */
public final class RedisConnections implements AutoCloseable {

    /** Connect timeout: loopback or LAN Redis answers in well under a second; 5 s covers a busy CI box. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;

    public RedisConnections(String uri) {
        RedisURI redisUri = RedisURI.create(uri);
        this.client = RedisClient.create(redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
    }

    /** A new connection for text keys and values (locks, scripts, hashes). */
    public StatefulRedisConnection<String, String> strings() {
        return client.connect(StringCodec.UTF8);
    }

    /** A new connection for stream entries (binary MessagePack bodies). */
    public StatefulRedisConnection<byte[], byte[]> bytes() {
        return client.connect(ByteArrayCodec.INSTANCE);
    }

    public <K, V> StatefulRedisConnection<K, V> connect(RedisCodec<K, V> codec) {
        return client.connect(codec);
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
