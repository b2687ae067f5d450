package io.mcpca.ingress.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The roll-up of a batch's answers where the tools define one: line totals (files, physical, code, comment,
 * blank, functions; the same per language) summed over the succeeded items of calculate-metrics (one file each)
 * and analyze-metrics / analyze-repository (their {@code totals}), the shape of analyze-metrics's {@code totals}.
 */
final class ResultTotals {

    static final List<String> FIELDS = List.of("physical", "code", "comment", "blank");

    private long items;
    private final Map<String, Long> sums = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> byLanguage = new TreeMap<>();

    /** Adds one succeeded item's result; a result of another shape is not counted. */
    void add(JsonNode result) {
        if (result.has("lines") && result.has("language")) {
            items++;
            Map<String, Long> lang = language(result.path("language").asText());
            add(sums, lang, "files", 1);
            for (String f : FIELDS) {
                add(sums, lang, f, result.path("lines").path(f).asLong());
            }
            add(sums, null, "functions", result.path("functions").size());
        } else if (result.path("totals").isObject()) {
            items++;
            JsonNode t = result.path("totals");
            add(sums, null, "files", t.path("files").asLong());
            for (String f : FIELDS) {
                add(sums, null, f, t.path(f).asLong());
            }
            add(sums, null, "functions", t.path("functions").asLong());
            t.path("byLanguage").fields().forEachRemaining(e -> {
                Map<String, Long> lang = language(e.getKey());
                add(lang, null, "files", e.getValue().path("files").asLong());
                for (String f : FIELDS) {
                    add(lang, null, f, e.getValue().path(f).asLong());
                }
            });
        }
    }

    boolean isEmpty() {
        return items == 0;
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        for (String f : List.of("files", "physical", "code", "comment", "blank", "functions")) {
            out.put(f, sums.getOrDefault(f, 0L));
        }
        out.put("byLanguage", byLanguage);
        return out;
    }

    private Map<String, Long> language(String name) {
        return byLanguage.computeIfAbsent(name, k -> new LinkedHashMap<>());
    }

    private static void add(Map<String, Long> into, Map<String, Long> alsoInto, String field, long n) {
        into.merge(field, n, Long::sum);
        if (alsoInto != null) {
            alsoInto.merge(field, n, Long::sum);
        }
    }
}
