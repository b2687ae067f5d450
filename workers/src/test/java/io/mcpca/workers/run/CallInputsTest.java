package io.mcpca.workers.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.checkout.CheckoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The internal tools of a sharded analyze-repository call (decision 021); the checkouts themselves: RepositoryCheckoutsIT. */
class CallInputsTest {

    @TempDir
    Path root;

    @Test
    void aRepositoryMergeReadsNoTreeAndNamesPathsRelativeToTheRepository() {
        CallInputs inputs = new CallInputs(new PathGuard(List.of(root)), Optional.empty());
        Map<String, Object> args = new LinkedHashMap<>(Map.of("url", "file:///elsewhere/repo", "ref", "main",
                "limit", 7, Sharding.SHARD_OF_TOOL, "analyze-repository", Sharding.COMMIT, "a".repeat(40)));
        try (CallInputs.Prepared merge = inputs.internal(Sharding.MERGE_TOOL, args, Duration.ofSeconds(5))) {
            assertThat(merge.analyzerTool()).isEqualTo(Sharding.MERGE_TOOL);
            assertThat(merge.analyzerArgs()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("limit", 7, "path", ".", "relativeTo", "."));
            assertThat(merge.cacheable()).isFalse();
            assertThat(merge.commit()).as("the merge splices it, not the runner").isEmpty();
        }
    }

    @Test
    void aRepositoryShardWithoutItsCommitIsRefused() {
        CallInputs inputs = new CallInputs(new PathGuard(List.of(root)), Optional.empty());
        Map<String, Object> args = Map.of("url", root.toUri().toString(), "ref", "main",
                Sharding.SHARD_OF_TOOL, "analyze-repository");
        assertThatThrownBy(() -> inputs.internal(Sharding.SHARD_TOOL, args, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(CheckoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_ARGUMENTS));
    }

    @Test
    void anAnalyzeMetricsShardIsConfinedToTheRootsAsBefore() {
        CallInputs inputs = new CallInputs(new PathGuard(List.of(root)), Optional.empty());
        Map<String, Object> args = Map.of("path", ".", Sharding.SHARD_OF_TOOL, "analyze-metrics");
        try (CallInputs.Prepared shard = inputs.internal(Sharding.SHARD_TOOL, args, Duration.ofSeconds(5))) {
            assertThat(shard.analyzerArgs()).doesNotContainKey(Sharding.SHARD_OF_TOOL)
                    .containsEntry("relativeTo", shard.analyzerArgs().get("path"));
        }
        assertThatThrownBy(() -> inputs.internal(Sharding.SHARD_TOOL, Map.of("path", "/etc"), Duration.ofSeconds(5)))
                .hasMessageContaining("outside");
    }
}
