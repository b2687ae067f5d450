package io.mcpca.workers.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.checkout.CheckoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cross-repo-analysis's trees as the analyzer gets them (decision 032); checkouts by URL: CrossRepoIT. */
class CrossRepoInputsTest {

    @TempDir
    Path root;

    private CallInputs.Prepared prepare(List<Map<String, Object>> repositories) {
        CrossRepoInputs inputs = new CrossRepoInputs(new PathGuard(List.of(root)), Optional.empty());
        return inputs.prepare(new LinkedHashMap<>(Map.of("repositories", repositories, "section", "imports")),
                Duration.ofSeconds(5));
    }

    @Test
    void treesReadInPlaceAreConfinedNamedUniquelyAndNeverCached() throws IOException {
        Path app = Files.createDirectories(root.resolve("teams/a/app"));
        Files.createDirectories(root.resolve("teams/b/app"));
        try (CallInputs.Prepared call = prepare(List.of(Map.of("path", "teams/a/app"), Map.of("path", "teams/b/app/"),
                Map.of("path", "teams/a/app", "name", "app-2")))) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> trees = (List<Map<String, Object>>) call.analyzerArgs().get("repositories");
            assertThat(trees).extracting(t -> t.get("name")).containsExactly("app", "app-3", "app-2");
            assertThat(trees.get(0)).containsEntry("path", app.toRealPath().toString())
                    .containsEntry("relativeTo", root.toRealPath().toString()).doesNotContainKey("commit");
            assertThat(call.cacheable()).as("several trees' contents would have to key it").isFalse();
            assertThat(call.checkout()).isEmpty();
            assertThat(call.analyzerArgs()).containsEntry("section", "imports");
        }
    }

    @Test
    void badRepositoriesAreRefusedWithTheirCodes() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Map<String, Object> a = Map.of("path", "a");
        assertThatThrownBy(() -> prepare(List.of(a))).isInstanceOfSatisfying(CheckoutException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_ARGUMENTS));
        assertThatThrownBy(() -> prepare(List.of(a, Map.of("path", "/etc")))).isInstanceOf(PathRejectedException.class);
        assertThatThrownBy(() -> prepare(List.of(Map.of("path", "a", "name", "x"), Map.of("path", "a", "name", "x"))))
                .isInstanceOfSatisfying(CheckoutException.class, e -> assertThat(e).hasMessage("two repositories are named `x`"));
        assertThatThrownBy(() -> prepare(List.of(a, Map.of("path", "a", "url", "file:///x"))))
                .isInstanceOfSatisfying(CheckoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_ARGUMENTS));
        assertThatThrownBy(() -> prepare(List.of(a, Map.of("url", "https://example.com/r.git"))))
                .as("a worker without a checkout cache").isInstanceOfSatisfying(CheckoutException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
}
