package io.mcpca.workers.shard;

/**
 * When and how a large tree's {@code analyze-metrics} runs as shards.
 *
 * @param enabled     shard at all
 * @param minBytes    a tree with fewer bytes of source (plus 512 per file) stays one call
 * @param targetBytes about this many bytes per shard
 * @param maxShards   at most this many shards per call
 */
public record ShardSettings(boolean enabled, long minBytes, long targetBytes, int maxShards) {
}
