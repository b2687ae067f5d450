package io.mcpca.shared.redis;

import java.security.cert.CertPathBuilderException;
import java.util.List;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * A process's first word with Redis, before anything else uses it: one connection and a PING. A failure becomes one
 * exception whose message names the cause an operator can fix (an untrusted server certificate and the CA file to
 * check, a host name the certificate does not cover, a refused user or password, an unreachable address), instead
 * of a stack of wrapped Netty and Lettuce exceptions, or a hang: the connect timeout and Netty's TLS handshake
 * timeout (10 s) bound it.
 */
public final class RedisStartupCheck {

    private RedisStartupCheck() {
    }

    /** @throws IllegalStateException naming the cause, when Redis cannot be reached and spoken to */
    public static void reach(RedisConnections redis, String uri, RedisClientSettings settings) {
        try (RedisConnection<String, String> connection = redis.strings()) {
            connection.sync().ping();
        } catch (RuntimeException e) {
            throw new IllegalStateException(explain(e, RedisClientSettings.redacted(uri), settings), e);
        }
    }

    static String explain(Throwable e, String where, RedisClientSettings settings) {
        String ca = settings.caFile().map(f -> "mcpca.redis.tls.ca-file=" + f)
                .orElse("the JVM's trust store (mcpca.redis.tls.ca-file is not set)");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || (t instanceof CertificateException
                    && String.valueOf(t.getMessage()).contains("No subject alternative"))) {
                return t instanceof CertPathBuilderException
                        ? "Redis at " + where + " refused: its TLS certificate is not signed by a CA this process "
                        + "trusts (" + ca + "): " + t.getMessage()
                        : "Redis at " + where + " refused: its TLS certificate does not name the host connected to ("
                        + t.getMessage() + "); fix the certificate's subjectAltName or set mcpca.redis.tls.verify-peer=CA";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SSLException) {
                return "Redis at " + where + ": the TLS handshake failed (" + t.getMessage() + "); check the server's "
                        + "certificate against " + ca + " and, if it asks for one, the client certificate "
                        + "(mcpca.redis.tls.cert-file, key-file)";
            }
            String message = String.valueOf(t.getMessage());
            if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")) {
                return "Redis at " + where + " refused the user of the URL: " + message;
            }
            // a cluster client that could read the topology from no seed lists each seed's refusal in its message
            for (String refusal : List.of("WRONGPASS", "NOAUTH", "NOPERM")) {
                int at = message.indexOf(refusal);
                if (at >= 0) {
                    int end = message.indexOf('\n', at);
                    return "Redis at " + where + " refused the user of the URL: "
                            + message.substring(at, end < 0 ? message.length() : end).trim()
                            + (refusal.equals("NOPERM") ? "; grant it (compose/redis/users.acl lists what each role "
                            + "needs, on a Cluster CLUSTER NODES, CLUSTER MYID and ASKING too)" : "");
                }
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "Redis at " + where + " cannot be reached: " + root;
    }
}
