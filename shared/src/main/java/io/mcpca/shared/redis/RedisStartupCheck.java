package io.mcpca.shared.redis;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's first word with Redis, before anything else uses it: one connection and a PING. A failure becomes one
 * exception whose message names the cause an operator can fix (an untrusted server certificate and the CA file to
 * check, a host name the certificate does not cover, a refused user or password, an unreachable address), instead
 * of a stack of wrapped Netty and Lettuce exceptions, or a hang: the connect timeout and Netty's TLS handshake
 * timeout (10 s) bound it. An unreachable Redis is asked again, once a second, for up to {@code wait}
 * ({@code mcpca.redis.startup-wait}): a process started while its Redis starts too, or while Sentinel still names a
 * master that just died, waits for it instead of exiting; a refusal (certificate, user) ends the start at once.
 */
public final class RedisStartupCheck {

    private static final Logger log = LoggerFactory.getLogger(RedisStartupCheck.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private RedisStartupCheck() {
    }

    /** Why the first PING failed: the message an operator reads, and whether asking again may help. */
    record Failure(String message, boolean unreachable) {
    }

    /** One attempt: {@link #reach(RedisConnections, String, RedisClientSettings, Duration)} without a wait. */
    public static void reach(RedisConnections redis, String uri, RedisClientSettings settings) {
        reach(redis, uri, settings, Duration.ZERO);
    }

    /** @throws IllegalStateException naming the cause, when Redis cannot be reached and spoken to within {@code wait} */
    public static void reach(RedisConnections redis, String uri, RedisClientSettings settings, Duration wait) {
        String where = RedisClientSettings.redacted(uri);
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        while (true) {
            try (RedisConnection<String, String> connection = redis.strings()) {
                connection.sync().ping();
                return;
            } catch (RuntimeException e) {
                Failure failure = explain(e, where, settings);
                long now = System.nanoTime();
                if (!failure.unreachable() || now + RETRY_EVERY.toNanos() > deadline) {
                    String waited = now - start >= RETRY_EVERY.toNanos()
                            ? " (asked for " + Duration.ofNanos(now - start).toSeconds() + " s, mcpca.redis.startup-wait="
                            + wait + ")" : "";
                    throw new IllegalStateException(failure.message() + waited, e);
                }
                log.warn("{}; asking again for up to {} s (mcpca.redis.startup-wait)", failure.message(),
                        Duration.ofNanos(deadline - now).toSeconds());
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_EVERY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }

    static Failure explain(Throwable e, String where, RedisClientSettings settings) {
        String ca = settings.caFile().map(f -> "mcpca.redis.tls.ca-file=" + f)
                .orElse("the JVM's trust store (mcpca.redis.tls.ca-file is not set)");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || (t instanceof CertificateException
                    && String.valueOf(t.getMessage()).contains("No subject alternative"))) {
                return new Failure(t instanceof CertPathBuilderException
                        ? "Redis at " + where + " refused: its TLS certificate is not signed by a CA this process "
                        + "trusts (" + ca + "): " + t.getMessage()
                        : "Redis at " + where + " refused: its TLS certificate does not name the host connected to ("
                        + t.getMessage() + "); fix the certificate's subjectAltName or set mcpca.redis.tls.verify-peer=CA", false);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SSLException) {
                return new Failure("Redis at " + where + ": the TLS handshake failed (" + t.getMessage() + "); check the "
                        + "server's certificate against " + ca + " and, if it asks for one, the client certificate "
                        + "(mcpca.redis.tls.cert-file, key-file)", false);
            }
            String message = String.valueOf(t.getMessage());
            // a refusal starts the message; a cluster client that could read the topology from no seed lists each
            // seed's refusal in its message, one a line
            for (String refusal : List.of("WRONGPASS", "NOAUTH", "NOPERM")) {
                int at = message.indexOf(refusal);
                if (at >= 0) {
                    int end = message.indexOf('\n', at);
                    String reason = message.substring(at, end < 0 ? message.length() : end).trim();
                    if (bySentinel(e)) {
                        return new Failure("Redis at " + where + ": the Sentinels refused: " + reason + "; Sentinels "
                                + "that ask for a password are asked with mcpca.redis.sentinel.password (and "
                                + "mcpca.redis.sentinel.username); the URL's user and password are the master's", false);
                    }
                    return new Failure("Redis at " + where + " refused the user of the URL: " + reason
                            + (refusal.equals("NOPERM") ? "; grant it (compose/redis/users.acl lists what each role "
                            + "needs, on a Cluster CLUSTER NODES, CLUSTER MYID and ASKING too)" : ""), false);
                }
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new Failure("Redis at " + where + " cannot be reached: " + root, true);
    }

    /** Whether Lettuce failed on a Sentinel (it says so: "Cannot connect to a Redis Sentinel ..."), not on a data node. */
    private static boolean bySentinel(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("Redis Sentinel")) {
                return true;
            }
        }
        return false;
    }
}
