package io.mcpca.shared.session;

import io.mcpca.shared.lock.LockLease;
import io.mcpca.shared.scripts.ScriptError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Session state and per-session leases: the seed design's whole interface plus a versioned, fenced
 * compare-and-set. Two implementations with one contract ({@code SessionStoreContract} runs against
 * both): {@link RedisSessionStore} for the distributed pipeline and {@link LocalSessionStore} for
 * in-process use when no Redis is there.
 */
public interface SessionStore {

    /** Expected version meaning "whatever it is now" (an unconditional write). */
    long ANY_VERSION = -1;
    /** Fence meaning "not written under a lease". */
    long UNFENCED = 0;

    Optional<Session> getSession(String sessionId);

    /** Replaces the session's attributes (creating it if missing), unconditionally; returns the new version. */
    long setSession(String sessionId, Map<String, String> attributes, Duration ttl);

    /** Deletes the session; true if it existed. Its lock and fence counter are left alone. */
    boolean clearSession(String sessionId);

    /** Ids of all live sessions (incremental SCAN on Redis, never KEYS). */
    List<String> getSessions();

    /** Creates the session with version 1 unless it exists; true if created. */
    boolean createSessionIfNotExists(String sessionId, Map<String, String> attributes, Duration ttl);

    /**
     * Merges {@code attributes} into the session if its version is {@code expectedVersion} (or any
     * version for {@link #ANY_VERSION}; a missing session has version 0) and, for a {@code fence}
     * other than {@link #UNFENCED}, if no newer lease fence was handed out for the session.
     */
    SessionWrite compareAndSet(String sessionId, long expectedVersion, long fence, Map<String, String> attributes,
                               Duration ttl);

    /** Sets the session's time to live; false if it does not exist. */
    boolean extendSessionTtl(String sessionId, Duration ttl);

    /** Time the session has left; empty if it does not exist. */
    Optional<Duration> getSessionTtl(String sessionId);

    /** Tries once to take the session's lease; empty while another holder has it. */
    Optional<LockLease> tryAcquireLock(String sessionId, Duration leaseTtl);

    /** Takes the session's lease, retrying with random backoff for up to {@code timeout}. */
    Optional<LockLease> acquireLock(String sessionId, Duration leaseTtl, Duration timeout);

    /** Releases the lease; empty when released, else why not ({@link ScriptError#HELD_BY_OTHER}, {@link ScriptError#NO_LOCK}). */
    Optional<ScriptError> releaseLock(LockLease lease);

    /** Extends the lease to {@code leaseTtl} from now; empty when extended, else why not. */
    Optional<ScriptError> extendLock(LockLease lease, Duration leaseTtl);
}
