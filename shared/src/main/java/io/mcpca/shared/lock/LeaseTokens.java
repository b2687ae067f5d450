package io.mcpca.shared.lock;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lease tokens: unique per acquisition across every process, and cheap (one per session-locked call, on
 * the hot path). A random 128-bit prefix drawn once per process, then a counter: no two processes share a
 * prefix, no two acquisitions in one process share a count, and no call pays for a SecureRandom draw.
 */
public final class LeaseTokens {

    private static final String PROCESS = newPrefix();
    private static final AtomicLong COUNT = new AtomicLong();

    private LeaseTokens() {
    }

    public static String next() {
        return PROCESS + '-' + Long.toHexString(COUNT.incrementAndGet());
    }

    private static String newPrefix() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
