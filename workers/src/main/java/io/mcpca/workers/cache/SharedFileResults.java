package io.mcpca.workers.cache;

import java.util.List;
import java.util.Map;

/**
 * Per-file analyzer results shared between workers. The analyzer keeps each file's result in its own
 * on-disk cache under a key of its build and the file's content hash; this is the tier behind it, so that
 * a worker on another machine, or a fresh one, reads what any worker measured instead of parsing again
 * (see the {@code cacheLookup} / {@code cacheStore} lines of the analyzer's serve protocol). Keys and
 * entries are the analyzer's own (opaque strings and JSON texts); a lost or unreadable entry only costs
 * a parse.
 */
public interface SharedFileResults {

    /** No sharing: analyzers keep their results to themselves. */
    SharedFileResults NONE = new SharedFileResults() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public Map<String, String> lookup(List<String> keys) {
            return Map.of();
        }

        @Override
        public void store(Map<String, String> entries) {
        }
    };

    /** Whether analyzers should ask (their requests carry {@code sharedCache}). */
    boolean enabled();

    /** The entries found, by key (missing ones absent). Never throws: trouble means nothing found. */
    Map<String, String> lookup(List<String> keys);

    /** Keeps entries for the others, best effort (never throws, never waits for Redis). */
    void store(Map<String, String> entries);
}
