package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The per-language fixture sources of the metrics crate and their expected values, which were produced
 * by running the reference tools (cloc, PMD, ESLint, radon; see bench/reference). Copies them into a
 * fresh root for each test class so tests can add symlinks and junk beside them.
 */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXPECTED_SUFFIX = ".expected.json";

    private Fixtures() {
    }

    static Path source() {
        String configured = System.getProperty("mcpca.fixtures", "../rust-workers/crates/metrics/tests/fixtures");
        Path dir = Path.of(configured).toAbsolutePath().normalize();
        assertThat(dir).as("fixtures directory").isDirectory();
        return dir;
    }

    /** Copies every fixture (sources and expectations) under {@code root}. */
    static void copyTo(Path root) {
        copyTree(source(), root);
    }

    /** Copies the tree {@code from} (files and directories) to {@code root}. */
    static void copyTree(Path from, Path root) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted().toList()) {
                Path to = root.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code files} (relative path to content) under {@code root}, with their directories. */
    static void write(Path root, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = root.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fixture sources (relative paths) that have an expectation beside them. */
    static List<String> withExpectations(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(EXPECTED_SUFFIX))
                    .map(p -> root.relativize(p).toString())
                    .map(p -> p.substring(0, p.length() - EXPECTED_SUFFIX.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode expected(Path root, String relative) {
        try {
            return JSON.readTree(root.resolve(relative + EXPECTED_SUFFIX).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that one file's metrics (as the tools return them) agree with the reference tools:
     * the same line counts, the same functions (matched by reported line, then column), the same
     * cyclomatic complexity for each.
     */
    static void assertAgrees(String relative, Map<String, Object> actual, JsonNode expected) {
        JsonNode metrics = JSON.valueToTree(actual);
        for (String field : List.of("code", "comment", "blank")) {
            assertThat(metrics.path("lines").path(field).asLong(-1))
                    .as("%s lines.%s (%s)", relative, field, expected.path("sources").path("lines").asText())
                    .isEqualTo(expected.path("lines").path(field).asLong());
        }
        List<String> ours = new ArrayList<>();
        metrics.path("functions").forEach(f -> ours.add(
                key(f.path("startLine").asInt(), f.path("startColumn").asInt()) + " cc=" + f.path("cyclomatic").asInt()));
        List<String> theirs = new ArrayList<>();
        boolean columns = expected.path("functions").findValue("column") != null;
        expected.path("functions").forEach(f -> theirs.add(
                key(f.path("line").asInt(), f.path("column").asInt()) + " cc=" + f.path("cyclomatic").asInt()));
        if (!columns) {
            ours.replaceAll(s -> s.replaceFirst(":\\d+ ", " "));
            theirs.replaceAll(s -> s.replaceFirst(":\\d+ ", " "));
        }
        ours.sort(Comparator.naturalOrder());
        theirs.sort(Comparator.naturalOrder());
        assertThat(ours).as("%s functions as line:column cc=cyclomatic", relative).isEqualTo(theirs);
    }

    private static String key(int line, int column) {
        return String.format("%05d:%d", line, column);
    }
}
