package io.mcpca.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders an analyze-metrics result as a per-language table, largest language first, then its hotspots. */
final class LanguageTable {

    private static final String[] COLUMNS = {"files", "code", "comment", "blank", "functions"};

    private LanguageTable() {
    }

    static String render(Map<String, Object> result) {
        Map<String, Object> totals = AnalyzeCommand.asMap(result.get("totals"));
        Map<String, Object> byLanguage = AnalyzeCommand.asMap(totals.get("byLanguage"));
        List<Map.Entry<String, Object>> rows = new ArrayList<>(byLanguage.entrySet());
        rows.sort((a, b) -> Long.compare(number(AnalyzeCommand.asMap(b.getValue()), "code"),
                number(AnalyzeCommand.asMap(a.getValue()), "code")));
        StringBuilder out = new StringBuilder();
        String format = "%-14s" + " %10s".repeat(COLUMNS.length) + "%n";
        String rule = "-".repeat(14 + 11 * COLUMNS.length) + "\n";
        out.append(String.format(format, "language", COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4]));
        out.append(rule);
        for (Map.Entry<String, Object> row : rows) {
            out.append(line(format, row.getKey(), AnalyzeCommand.asMap(row.getValue())));
        }
        out.append(rule);
        out.append(line(format, "total", totals));
        Object skipped = result.get("skipped");
        if (skipped instanceof List<?> list && !list.isEmpty()) {
            out.append(String.format("%d file(s) skipped (binary, generated, unknown language or too large); --json lists them%n",
                    list.size()));
        }
        if (result.get("hotspots") instanceof List<?> hotspots && !hotspots.isEmpty()) {
            out.append(String.format("%nmost complex functions%n%10s %10s  %s%n", "cyclomatic", "cognitive", "where"));
            for (Object hotspot : hotspots) {
                Map<String, Object> h = AnalyzeCommand.asMap(hotspot);
                out.append(String.format("%10d %10d  %s:%d %s%n", number(h, "cyclomatic"), number(h, "cognitive"),
                        h.get("path"), number(h, "startLine"), h.get("name")));
            }
        }
        return out.toString();
    }

    private static String line(String format, String name, Map<String, Object> values) {
        Object[] cells = new Object[COLUMNS.length + 1];
        cells[0] = name;
        for (int i = 0; i < COLUMNS.length; i++) {
            cells[i + 1] = Long.toString(number(values, COLUMNS[i]));
        }
        return String.format(format, cells);
    }

    private static long number(Map<String, Object> values, String key) {
        return values.get(key) instanceof Number n ? n.longValue() : 0L;
    }
}
