package io.mcpca.ingress.prompts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of the analysis prompts, built from tool answers: the measured numbers, where they come from, and what
 * the prompt asks of the model. Pure functions of the answers, so a test can check every number that appears.
 */
final class PromptText {

    /** The languages calculate-metrics measures inline content in (its contract's {@code language} enum). */
    static final List<String> LANGUAGES = List.of("java", "python", "javascript", "typescript");
    /** Directories listed by plan-refactoring. */
    static final int MAX_DIRECTORIES = 10;

    private PromptText() {
    }

    static String review(String code, String language, String focus, Map<String, Object> metrics, int maxFunctions) {
        Map<?, ?> lines = map(metrics.get("lines"));
        StringBuilder text = new StringBuilder("Review this ").append(language).append(" code")
                .append(focus.isEmpty() ? "" : ", focusing on " + focus).append(".\n\n")
                .append("Measured by mcpca's calculate-metrics (lines as cloc counts them, cyclomatic complexity as ")
                .append("PMD, ESLint and radon count it):\n")
                .append("- lines: ").append(lines.get("code")).append(" code, ").append(lines.get("comment"))
                .append(" comment, ").append(lines.get("blank")).append(" blank\n");
        List<Map<?, ?>> functions = byComplexity(list(metrics.get("functions")));
        text.append("- functions: ").append(functions.size()).append(functions.isEmpty() ? "\n" : ", most complex first:\n");
        functions.stream().limit(maxFunctions).forEach(f -> text.append("  - ").append(function(f)).append('\n'));
        return text.append("\nPoint out where these numbers show risk and what else is worth fixing; cite line ")
                .append("numbers.\n\n```").append(language).append('\n').append(code)
                .append(code.endsWith("\n") ? "" : "\n").append("```\n").toString();
    }

    static String hotspots(String path, Map<String, Object> summary, int maxFunctions) {
        StringBuilder text = new StringBuilder("Explain the complexity hotspots of `").append(path).append("`.\n\n")
                .append(totals(summary)).append("The most complex functions (analyze-metrics hotspots, by cyclomatic ")
                .append("complexity):\n");
        List<Map<?, ?>> hotspots = list(summary.get("hotspots"));
        if (hotspots.isEmpty()) {
            text.append("- none: no functions were measured\n");
        }
        hotspots.stream().limit(maxFunctions).forEach(h -> text.append("- `").append(h.get("path")).append("` ")
                .append(function(h)).append('\n'));
        return text.append("\nFor each, read the code and explain what makes it hard to understand or change (the ")
                .append("branches and nesting behind its numbers), and whether its complexity is essential or can ")
                .append("be reduced.\n").toString();
    }

    static String plan(String path, String goal, Map<String, Object> summary, int maxFunctions) {
        StringBuilder text = new StringBuilder("Plan a refactoring of `").append(path).append('`')
                .append(goal.isEmpty() ? "" : " to " + goal).append(".\n\n").append(totals(summary));
        List<Map<?, ?>> directories = new ArrayList<>(list(summary.get("directories")).stream()
                .filter(d -> !"".equals(d.get("path"))).toList());
        directories.sort(Comparator.comparingLong((Map<?, ?> d) -> number(d.get("code"))).reversed());
        if (!directories.isEmpty()) {
            text.append("Largest directories by code lines:\n");
            directories.stream().limit(MAX_DIRECTORIES).forEach(d -> text.append("- `").append(d.get("path"))
                    .append("`: ").append(d.get("files")).append(" files, ").append(d.get("code")).append(" code lines, ")
                    .append(d.get("functions")).append(" functions\n"));
        }
        text.append("Most complex functions:\n");
        list(summary.get("hotspots")).stream().limit(maxFunctions).forEach(h -> text.append("- `")
                .append(h.get("path")).append("` ").append(function(h)).append('\n'));
        return text.append("\nPropose steps ordered by risk. For each: the files and functions it touches, why (which ")
                .append("number above it improves), and how to check that behaviour did not change.\n").toString();
    }

    /** A calculate-metrics answer for one file in the shape of analyze-metrics' summary. */
    static Map<String, Object> asSummary(Map<String, Object> file) {
        Map<?, ?> lines = map(file.get("lines"));
        List<Map<?, ?>> functions = byComplexity(list(file.get("functions")));
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("files", 1);
        totals.put("code", lines.get("code"));
        totals.put("comment", lines.get("comment"));
        totals.put("blank", lines.get("blank"));
        totals.put("functions", functions.size());
        List<Map<String, Object>> hotspots = functions.stream().map(f -> {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("path", file.get("path"));
            f.forEach((k, v) -> h.put(String.valueOf(k), v));
            return h;
        }).toList();
        return Map.of("totals", totals, "hotspots", hotspots, "directories", List.of());
    }

    private static String totals(Map<String, Object> summary) {
        Map<?, ?> totals = map(summary.get("totals"));
        return "Measured by mcpca's analyze-metrics: " + totals.get("files") + " files, " + totals.get("code")
                + " code lines, " + totals.get("comment") + " comment lines, " + totals.get("functions")
                + " functions.\n";
    }

    private static String function(Map<?, ?> f) {
        return "`" + f.get("name") + "` (" + f.get("kind") + ", lines " + f.get("startLine") + "-" + f.get("endLine")
                + "): cyclomatic " + f.get("cyclomatic") + (f.get("cognitive") == null ? "" : ", cognitive "
                + f.get("cognitive"));
    }

    private static List<Map<?, ?>> byComplexity(List<Map<?, ?>> functions) {
        List<Map<?, ?>> sorted = new ArrayList<>(functions);
        sorted.sort(Comparator.comparingLong((Map<?, ?> f) -> number(f.get("cyclomatic"))).reversed());
        return sorted;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<?, ?>> list(Object value) {
        return value instanceof List<?> l ? (List<Map<?, ?>>) (List<?>) l.stream().filter(Map.class::isInstance).toList()
                : List.of();
    }
}
