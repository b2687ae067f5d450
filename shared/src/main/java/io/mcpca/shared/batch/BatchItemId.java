package io.mcpca.shared.batch;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request id of a batch item, {@code <batchId>:<index>} (the contract between ingress and workers in
 * plan/batch.md), and the one place batch ids are made and read. A batch id is {@code b} plus 24 lowercase
 * base-32 characters (120 random bits): unguessable, so an id alone never reveals another principal's batch,
 * and free of braces and colons, so it is a safe hash tag and splits off an item id unambiguously.
 */
public record BatchItemId(String batchId, int index) {

    private static final Pattern ITEM = Pattern.compile("(b[a-z2-7]{24}):(\\d{1,9})");
    private static final Pattern BATCH = Pattern.compile("b[a-z2-7]{24}");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public String requestId() {
        return batchId + ":" + index;
    }

    /** The item a request id names, if it is a batch item's. */
    public static Optional<BatchItemId> parse(String requestId) {
        Matcher m = ITEM.matcher(requestId == null ? "" : requestId);
        return m.matches() ? Optional.of(new BatchItemId(m.group(1), Integer.parseInt(m.group(2)))) : Optional.empty();
    }

    /** Whether {@code batchId} has the shape of a batch id (checked before it goes into a key). */
    public static boolean isBatchId(String batchId) {
        return batchId != null && BATCH.matcher(batchId).matches();
    }

    /**
     * What the ingress publishes on the cancel channel to cancel a whole batch (the channel otherwise carries
     * request ids, which never start with this).
     */
    public static String cancelMessage(String batchId) {
        return CANCEL_PREFIX + batchId;
    }

    /** The batch a cancel-channel message cancels, if it cancels one. */
    public static Optional<String> cancelledBatch(String message) {
        return message != null && message.startsWith(CANCEL_PREFIX) && isBatchId(message.substring(CANCEL_PREFIX.length()))
                ? Optional.of(message.substring(CANCEL_PREFIX.length())) : Optional.empty();
    }

    private static final String CANCEL_PREFIX = "batch:";

    public static String newBatchId() {
        StringBuilder id = new StringBuilder("b");
        for (int i = 0; i < 24; i++) {
            id.append(BASE32[RANDOM.nextInt(32)]);
        }
        return id.toString();
    }
}
