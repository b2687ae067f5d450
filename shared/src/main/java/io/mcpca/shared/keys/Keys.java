package io.mcpca.shared.keys;

import java.util.List;
import java.util.Objects;

/**
 * Every Redis key and channel name of the product, in one place.
 *
 * <p>Hash tags ({@code {...}}) keep what must be atomic in one Redis Cluster slot: a session's
 * lock, fence and state share {@code {<sid>}}; each request partition is its own tag so
 * partitions spread over the cluster. The prefix lets tests and tenants share one Redis.
 */
public final class Keys {

    public static final String DEFAULT_PREFIX = "mcpca";

    private final String prefix;

    public Keys(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("key prefix must be non-blank and free of braces: " + prefix);
        }
    }

    public static Keys withDefaultPrefix() {
        return new Keys(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    /** Request stream of one partition of a pool; the consumer group is named after the pool. */
    public String requestStream(String pool, int partition) {
        return prefix + ":req:{" + pool + "." + partition + "}";
    }

    /**
     * The partition of a session: every call of one session lands on the same partition, so a
     * session's calls keep their order and one partition's consumer can serve them in turn.
     * {@link String#hashCode} is specified by the JLS, so every JVM agrees.
     */
    public static int partitionOf(String sessionId, int partitions) {
        return Math.floorMod(sessionId.hashCode(), partitions);
    }

    /**
     * The batch lane of a pool: items of {@code submit-batch} wait here, not in the pool's partitions, and a
     * worker reads it beside them with the same COUNT, so a queued batch never stands in front of an
     * interactive call (docs/decisions/016). Trimmed like the partitions; submits keep its backlog under the trim.
     */
    public String batchRequestStream(String pool) {
        return prefix + ":req:{" + pool + ".batch}";
    }

    /**
     * The batch lane of a pool for a batch of {@code priority} (0..9): {@code .batch.high} for 7..9, the pool's
     * {@link #batchRequestStream} for 4..6 (the default 5), {@code .batch.low} for 0..3. Workers read the lanes in
     * that order and leave the lower ones out while a higher one has a backlog (docs/decisions/036).
     */
    public String batchRequestStream(String pool, int priority) {
        return batchLanes(pool).get(priority >= 7 ? 0 : priority >= 4 ? 1 : 2);
    }

    /** A pool's batch lanes, highest priority first. */
    public List<String> batchLanes(String pool) {
        return List.of(prefix + ":req:{" + pool + ".batch.high}", batchRequestStream(pool),
                prefix + ":req:{" + pool + ".batch.low}");
    }

    /** A batch's record (owner, name, counts per state and error code, times, deadline, cancelled flag). */
    public String batch(String batchId) {
        return prefix + ":batch:" + batchTag(batchId);
    }

    /** A batch's per-item outcomes: field = item index, value = the outcome's JSON; same slot as {@link #batch}. */
    public String batchItems(String batchId) {
        return prefix + ":batch:" + batchTag(batchId) + ":items";
    }

    /** A principal's batches (sorted set: batch id by creation time), trimmed to the newest few on each submit. */
    public String batchesOf(String principal) {
        return prefix + ":batches:" + principalTag(principal);
    }

    private static String batchTag(String batchId) {
        if (batchId == null || batchId.isEmpty()) {
            throw new IllegalArgumentException("a batch id must not be empty");
        }
        return "{" + batchId + "}";
    }

    /** Reply stream of one ingress instance. */
    public String replyStream(String ingressId) {
        return prefix + ":reply:{" + ingressId + "}";
    }

    public String deadLetters(String pool) {
        return prefix + ":dlq:{" + pool + "}";
    }

    public String session(String sessionId) {
        return prefix + ":session:" + sessionTag(sessionId);
    }

    /** SCAN pattern of every {@link #session} key. */
    public String sessionPattern() {
        return prefix + ":session:*";
    }

    /** The session id in a {@link #session} key (as SCAN returns them). */
    public String sessionIdOf(String sessionKey) {
        String head = prefix + ":session:{";
        if (!sessionKey.startsWith(head) || !sessionKey.endsWith("}")) {
            throw new IllegalArgumentException("not a session key: " + sessionKey);
        }
        return sessionKey.substring(head.length(), sessionKey.length() - 1);
    }

    public String lock(String sessionId) {
        return prefix + ":lock:" + sessionTag(sessionId);
    }

    public String fence(String sessionId) {
        return prefix + ":fence:" + sessionTag(sessionId);
    }

    public String execution(String sessionId, String requestId) {
        return prefix + ":exec:" + sessionTag(sessionId) + ":" + requestId;
    }

    /** A principal's hash tag (its insight and its index share it); empty refused as for a session. */
    private static String principalTag(String principal) {
        if (principal == null || principal.isEmpty()) {
            throw new IllegalArgumentException("a principal must not be empty");
        }
        return "{" + principal + "}";
    }

    /**
     * A session's hash tag. An empty id is refused: {@code {}} is no hash tag at all (Redis Cluster then
     * hashes the whole key), so the session's keys would land in different slots.
     */
    private static String sessionTag(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw new IllegalArgumentException("a session id must not be empty");
        }
        return "{" + sessionId + "}";
    }

    public String result(String digest) {
        return prefix + ":result:{" + digest + "}";
    }

    /** SCAN pattern of every {@link #result} key. */
    public String resultPattern() {
        return prefix + ":result:*";
    }

    /**
     * One file's analyzer result shared between workers: {@code key} is the analyzer's own name for it (its
     * build and the file's content hash), so an edited file or another analyzer build is another key.
     */
    public String sharedFile(String key) {
        return prefix + ":file:{" + key + "}";
    }

    /** SCAN pattern of every {@link #sharedFile} key. */
    public String sharedFilePattern() {
        return prefix + ":file:*";
    }

    /**
     * A tree's knowledge graph, shared between workers: {@code key} is the analyzer's name for it ({@code kg<format>:
     * <snapshot digest>}, the digest of every file's path and content hash), so a changed tree is another key.
     * Written with a TTL and only below a size bound (decision 023).
     */
    public String knowledgeGraph(String key) {
        return prefix + ":kg:{" + key + "}";
    }

    /** SCAN pattern of every {@link #knowledgeGraph} key. */
    public String knowledgeGraphPattern() {
        return prefix + ":kg:*";
    }

    /**
     * The shard record of a call that runs as shards (its plan, each shard's answer, who merges), in the call's
     * own slot; it expires shortly after the call's deadline.
     */
    public String shards(String requestId) {
        return prefix + ":shards:{" + requestId + "}";
    }

    /**
     * One codebase insight of a principal (a hash: its JSON and version); every insight of a principal shares the
     * principal's slot with {@link #insightsOf}, so a save updates both in one script.
     */
    public String insight(String principal, String insightId) {
        return prefix + ":insight:" + principalTag(principal) + ":" + insightId;
    }

    /** A principal's insights (sorted set: id by last update time); pruned of expired ones on each save. */
    public String insightsOf(String principal) {
        return prefix + ":insights:" + principalTag(principal);
    }

    public String workers() {
        return prefix + ":workers";
    }

    public String invalidateChannel() {
        return prefix + ":events:invalidate";
    }

    public String cancelChannel() {
        return prefix + ":events:cancel";
    }
}
