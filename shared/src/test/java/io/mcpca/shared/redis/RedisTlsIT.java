package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.SslVerifyMode;
import io.mcpca.shared.testing.RedisNode;
import io.mcpca.shared.testing.TlsMaterial;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} with the TLS settings of {@link RedisClientSettings} against a real redis-server on a TLS port
 * (certificates from openssl): trusted by its CA file with full verification, with a client certificate where the
 * server demands one, and a wrong CA, a missing client certificate and a plain {@code redis://} URL refused at start
 * with a message naming the cause, within seconds.
 */
class RedisTlsIT {

    @TempDir
    static Path dir;
    private static TlsMaterial tls;
    private static RedisNode server;
    private static RedisNode clientAuth;

    @BeforeAll
    static void start() {
        tls = TlsMaterial.create(dir.resolve("certs"));
        server = RedisNode.tlsServer(dir, "tls", tls, List.of());
        clientAuth = RedisNode.tlsServer(dir, "tls-client-auth", tls, List.of("tls-auth-clients yes"));
    }

    @AfterAll
    static void stop() {
        server.close();
        clientAuth.close();
    }

    private static RedisClientSettings trusting(Path ca, Optional<SslVerifyMode> verify) {
        return new RedisClientSettings(Optional.of(ca), Optional.empty(), Optional.empty(), verify);
    }

    /** Connects with {@code settings} and passes the start-up check (or throws its exception). */
    private static void reach(RedisNode node, RedisClientSettings settings) {
        String uri = "rediss://127.0.0.1:" + node.port();
        try (RedisConnections redis = new RedisConnections(uri, settings, Optional.empty())) {
            RedisStartupCheck.reach(redis, uri, settings);
        }
    }

    @Test
    void aServerSignedByTheConfiguredCaIsVerifiedFullyAndUsed() {
        String uri = "rediss://127.0.0.1:" + server.port();
        RedisClientSettings settings = trusting(tls.caCert(), Optional.of(SslVerifyMode.FULL));
        try (RedisConnections redis = new RedisConnections(uri, settings, Optional.empty())) {
            RedisStartupCheck.reach(redis, uri, settings);
            try (RedisConnection<String, String> c = redis.strings()) {
                c.sync().set("tls-probe", "ok");
                assertThat(c.sync().get("tls-probe")).isEqualTo("ok");
            }
        }
    }

    @Test
    void aWrongCaIsRefusedAtStartNamingTheCaFile() {
        String uri = "rediss://127.0.0.1:" + server.port();
        RedisClientSettings settings = trusting(tls.otherCaCert(), Optional.empty());
        long start = System.nanoTime();
        try (RedisConnections redis = new RedisConnections(uri, settings, Optional.empty())) {
            assertThatThrownBy(() -> RedisStartupCheck.reach(redis, uri, settings))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Redis at " + uri + " refused: its TLS certificate is not signed by a CA "
                            + "this process trusts (mcpca.redis.tls.ca-file=" + tls.otherCaCert() + ")");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.err.printf("wrong CA refused after %d ms%n", millis);
    }

    @Test
    void verifyPeerNoneAcceptsAnUntrustedCertificate() {
        reach(server, trusting(tls.otherCaCert(), Optional.of(SslVerifyMode.NONE)));
    }

    @Test
    void aServerThatDemandsAClientCertificateTakesOurs() {
        reach(clientAuth, new RedisClientSettings(Optional.of(tls.caCert()), Optional.of(tls.clientCert()),
                Optional.of(tls.clientKey()), Optional.empty()));
    }

    @Test
    void withoutAClientCertificateSuchAServerRefusesUsClearly() {
        String uri = "rediss://127.0.0.1:" + clientAuth.port();
        RedisClientSettings settings = trusting(tls.caCert(), Optional.empty());
        try (RedisConnections redis = new RedisConnections(uri, settings, Optional.empty())) {
            assertThatThrownBy(() -> RedisStartupCheck.reach(redis, uri, settings))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Redis at " + uri + ": the TLS handshake failed");
        }
    }

    @Test
    void tlsSettingsWithAPlainUrlAreAConfigurationError() {
        assertThatThrownBy(() -> trusting(tls.caCert(), Optional.empty()).uri("redis://u:secret@127.0.0.1:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS settings (mcpca.redis.tls.*) are given but the Redis URL redis://***@127.0.0.1:1 is "
                        + "not a rediss:// or rediss-sentinel:// one");
    }

    @Test
    void aCertificateWithoutItsKeyIsAConfigurationError() {
        assertThatThrownBy(() -> new RedisClientSettings(Optional.empty(), Optional.of(tls.clientCert()),
                Optional.empty(), Optional.empty()))
                .hasMessage("a TLS client certificate needs both mcpca.redis.tls.cert-file and mcpca.redis.tls.key-file "
                        + "(got only the certificate)");
    }
}
