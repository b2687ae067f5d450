package io.mcpca.workers.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names an analyzer build by the SHA-256 of its binary (16 hex digits of it): every rebuild, and only a
 * rebuild, gets a new name. Result cache keys carry it, so a fixed analyzer never serves numbers its
 * predecessor computed, without anyone having to remember to invalidate.
 */
public final class AnalyzerBuild {

    private AnalyzerBuild() {
    }

    /** The build's name; {@code "unknown"} when the binary cannot be read (the pool reports that itself). */
    public static String of(Path binary) {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(binary), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

}
