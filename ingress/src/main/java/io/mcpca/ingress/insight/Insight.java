package io.mcpca.ingress.insight;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A codebase insight as stored: what an agent learned about a repository, with the places it is about.
 *
 * @param id           random, unique per principal
 * @param repository   the repository directory, relative to its analysis root ({@code .} for the root itself)
 * @param text         the insight itself
 * @param tags         labels to retrieve it by
 * @param anchors      the places it is about, each with the content hash of its file when stored
 * @param confidence   0..1, as the caller rated it (1 when not given)
 * @param version      1 when stored, +1 per update (compare-and-set)
 * @param createdAtMs  epoch ms of the store
 * @param updatedAtMs  epoch ms of the last update
 */
public record Insight(String id, String repository, String text, List<String> tags, List<Anchor> anchors,
                      double confidence, long version, long createdAtMs, long updatedAtMs) {

    public Insight {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(text, "text");
        tags = List.copyOf(tags);
        anchors = List.copyOf(anchors);
    }

    /**
     * A place an insight is about: a file of the repository, optionally a symbol in it and a line range.
     *
     * @param file        relative to the repository, '/' separated
     * @param symbol      a symbol's name ("" when none)
     * @param startLine   first line, 1-based (0 when none)
     * @param endLine     last line (0 when none)
     * @param contentHash SHA-256 of the file's bytes when the anchor was stored or last refreshed
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record Anchor(String file, String symbol, int startLine, int endLine, String contentHash) {
        public Anchor {
            Objects.requireNonNull(file, "file");
            symbol = symbol == null ? "" : symbol;
            Objects.requireNonNull(contentHash, "contentHash");
        }
    }

    Insight withVersion(long newVersion, long nowMs) {
        return new Insight(id, repository, text, tags, anchors, confidence, newVersion, createdAtMs, nowMs);
    }
}
