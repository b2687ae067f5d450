package io.mcpca.shared.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.StaticCredentialsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the Lettuce client needs beyond the URI to reach a production Redis (docs/decisions/031): the TLS material of
 * a {@code rediss://} (or {@code rediss-sentinel://}) URI, a CA file to trust the server's certificate, a client
 * certificate and its key when the server asks for one ({@code tls-auth-clients}), and how much of the server's
 * certificate is checked; and the user and password of Sentinels that ask for one ({@code requirepass} in their
 * config): a Sentinel URI's user and password are the data nodes' (Lettuce reads no Sentinel password from a URI). The
 * rest (the mode, hosts, Sentinel master id, ACL user and password, database) stays in the URI, parsed by Lettuce
 * itself. Files are PEM; the key must be unencrypted PKCS#8
 * ({@code openssl pkcs8 -topk8 -nocrypt} converts a PKCS#1 {@code BEGIN RSA PRIVATE KEY} file).
 *
 * @param caFile     certificates to trust (PEM); empty: the JVM's default trust store
 * @param certFile   client certificate chain (PEM), with {@code keyFile}
 * @param keyFile    the client certificate's private key (PKCS#8 PEM), with {@code certFile}
 * @param verifyPeer FULL (the chain and the host name), CA (the chain only) or NONE; empty: what the URI says
 *                   (its {@code verifyPeer} parameter, else FULL)
 * @param sentinelAuth what every Sentinel of a {@code redis-sentinel://} URI is asked with; empty: nothing
 */
public record RedisClientSettings(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                                  Optional<SslVerifyMode> verifyPeer, Optional<SentinelAuth> sentinelAuth) {

    /** Nothing beyond the URI. */
    public static final RedisClientSettings NONE = new RedisClientSettings(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /** The Sentinels' own user (empty: {@code default}) and password; never printed. */
    public record SentinelAuth(Optional<String> username, String password) {
        @Override
        public String toString() {
            return "SentinelAuth[username=" + username.orElse("default") + ", password=***]";
        }
    }

    /** TLS settings only. */
    public RedisClientSettings(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                               Optional<SslVerifyMode> verifyPeer) {
        this(caFile, certFile, keyFile, verifyPeer, Optional.empty());
    }

    public RedisClientSettings {
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("a TLS client certificate needs both mcpca.redis.tls.cert-file and "
                    + "mcpca.redis.tls.key-file (got only " + (certFile.isPresent() ? "the certificate" : "the key") + ")");
        }
        for (Optional<Path> file : java.util.List.of(caFile, certFile, keyFile)) {
            file.ifPresent(RedisClientSettings::requireReadable);
        }
    }

    /** Whether any TLS setting is given (they only mean something with a {@code rediss} URI). */
    public boolean tls() {
        return caFile.isPresent() || certFile.isPresent() || verifyPeer.isPresent();
    }

    /**
     * The URI parsed by Lettuce, with the verify mode applied to it and to each of its Sentinels, and the Sentinels'
     * user and password to each Sentinel.
     */
    public RedisURI uri(String uri) {
        RedisURI parsed = RedisURI.create(uri);
        if (tls() && !parsed.isSsl() && parsed.getSentinels().stream().noneMatch(RedisURI::isSsl)) {
            throw new IllegalArgumentException("TLS settings (mcpca.redis.tls.*) are given but the Redis URL "
                    + redacted(uri) + " is not a rediss:// or rediss-sentinel:// one");
        }
        if (sentinelAuth.isPresent() && parsed.getSentinels().isEmpty()) {
            throw new IllegalArgumentException("a Sentinel password (mcpca.redis.sentinel.password) is given but the "
                    + "Redis URL " + redacted(uri) + " names no Sentinel (redis-sentinel://host:port,...)");
        }
        verifyPeer.ifPresent(mode -> {
            parsed.setVerifyPeer(mode);
            parsed.getSentinels().forEach(s -> s.setVerifyPeer(mode));
        });
        sentinelAuth.ifPresent(auth -> parsed.getSentinels().forEach(s -> s.setCredentialsProvider(
                new StaticCredentialsProvider(auth.username().orElse(null), auth.password().toCharArray()))));
        return parsed;
    }

    /** A cluster seed with the verify mode applied (the seeds of {@code redis-cluster://} are parsed by ClusterSeeds). */
    public RedisURI verify(RedisURI seed) {
        verifyPeer.ifPresent(seed::setVerifyPeer);
        return seed;
    }

    /** The trust and key material for Lettuce, when a CA file or a client certificate is given. */
    public Optional<SslOptions> sslOptions() {
        if (caFile.isEmpty() && certFile.isEmpty()) {
            return Optional.empty();
        }
        SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
        caFile.ifPresent(ca -> builder.trustManager(ca.toFile()));
        certFile.ifPresent(cert -> builder.keyManager(cert.toFile(), keyFile.orElseThrow().toFile(), null));
        return Optional.of(builder.build());
    }

    /** The URI without its user and password, for messages and logs. */
    public static String redacted(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    private static void requireReadable(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("TLS file " + file.toAbsolutePath() + " is missing or unreadable");
        }
    }
}
