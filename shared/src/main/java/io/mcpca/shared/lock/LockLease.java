package io.mcpca.shared.lock;

/**
 * A held session lock.
 *
 * @param sessionId the locked session
 * @param token     random per acquisition; proves ownership on release and extension
 * @param fence     fencing token, strictly increasing per session; writers pass it so stores can
 *                  refuse a stale holder that woke up after its lease ran out
 */
public record LockLease(String sessionId, String token, long fence) {
}
