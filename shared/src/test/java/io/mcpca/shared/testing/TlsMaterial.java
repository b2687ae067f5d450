package io.mcpca.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Certificates for TLS tests, made with Debian's {@code openssl} in a directory: a CA, a server certificate signed by
 * it for 127.0.0.1 and localhost, a client certificate signed by it, and a second CA that signed nothing (a wrong CA).
 * Keys are PKCS#8 PEM (what {@code openssl genpkey} writes and Netty reads). EC P-256 keys: made in milliseconds.
 */
public record TlsMaterial(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
                          Path otherCaCert) {

    public static TlsMaterial create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path ext = dir.resolve("server.ext");
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            selfSigned(dir, "ca", "mcpca test CA");
            selfSigned(dir, "other-ca", "mcpca test wrong CA");
            signed(dir, "server", "127.0.0.1", List.of("-extfile", ext.toString()));
            signed(dir, "client", "mcpca test client", List.of());
            return new TlsMaterial(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                    dir.resolve("client.crt"), dir.resolve("client.key"), dir.resolve("other-ca.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void selfSigned(Path dir, String name, String subject) {
        key(dir, name);
        openssl(dir, List.of("req", "-x509", "-new", "-key", name + ".key", "-days", "2", "-subj", "/CN=" + subject,
                "-out", name + ".crt"));
    }

    private static void signed(Path dir, String name, String subject, List<String> extra) {
        key(dir, name);
        openssl(dir, List.of("req", "-new", "-key", name + ".key", "-subj", "/CN=" + subject, "-out", name + ".csr"));
        List<String> sign = new java.util.ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", name + ".crt"));
        sign.addAll(extra);
        openssl(dir, sign);
    }

    private static void key(Path dir, String name) {
        openssl(dir, List.of("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key"));
    }

    private static void openssl(Path dir, List<String> args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("openssl " + args + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
