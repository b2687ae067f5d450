package io.mcpca.shared.wire;

/**
 * Error codes that cross the wire. {@link #retryable()} tells a client whether the same call may
 * succeed later (the analyzer crashed, the system is overloaded) or never will (bad arguments).
 */
public enum ErrorCode {
    BAD_ARGUMENTS(false),
    NOT_FOUND(false),
    PATH_OUTSIDE_ROOTS(false),
    UNSUPPORTED_LANGUAGE(false),
    UNKNOWN_TOOL(false),
    /** A repository URL whose scheme or host the worker's configuration does not allow (analyze-repository). */
    URL_NOT_ALLOWED(false),
    /**
     * The answer would be larger than one MCP message may be (the worker's {@code max-result-size}); asking
     * again the same way fails the same way, asking for less (a page, a detail level, a subdirectory) works.
     */
    RESULT_TOO_LARGE(false),
    /** The call failed on every delivery (maxDeliveries) and was moved to the dead-letter stream. */
    DEAD_LETTERED(false),
    /** A batch is over a limit (items per batch, bytes of its items); a smaller batch may be submitted. */
    BATCH_TOO_LARGE(false),
    /** The principal has as many unfinished batches as it may, or the batch lane is full; retry when some finish. */
    TOO_MANY_BATCHES(true),
    /**
     * An update named a version that is no longer the stored one (compare-and-set, codebase insights): another
     * update came first; read the current version and decide again.
     */
    VERSION_CONFLICT(false),
    /** The principal holds as many of a kind of record (codebase insights) as it may; delete or let some expire. */
    QUOTA_EXCEEDED(false),
    DEADLINE_EXCEEDED(true),
    /** The call was cancelled (notifications/cancelled, or its deadline passed) and its analyzer process killed. */
    CANCELLED(true),
    ANALYZER_FAILED(true),
    OVERLOADED(true),
    UNAVAILABLE(true),
    INTERNAL(true),
    /** A regular expression, tree-sitter query or glob that does not compile (search-code); fix it and ask again. */
    INVALID_PATTERN(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Maps an analyzer error code (see the serve protocol) to ours; unknown codes are INTERNAL. */
    public static ErrorCode fromAnalyzer(String code) {
        return switch (code == null ? "" : code) {
            case "BAD_ARGUMENTS" -> BAD_ARGUMENTS;
            case "NOT_FOUND" -> NOT_FOUND;
            case "UNSUPPORTED_LANGUAGE" -> UNSUPPORTED_LANGUAGE;
            case "UNKNOWN_TOOL" -> UNKNOWN_TOOL;
            case "INVALID_PATTERN" -> INVALID_PATTERN;
            default -> INTERNAL;
        };
    }
}
