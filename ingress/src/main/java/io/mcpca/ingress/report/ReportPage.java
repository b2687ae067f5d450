package io.mcpca.ingress.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML report of a tree, written from tool answers: one self-contained page (styles inline, the picture inline
 * SVG, no scripts) whose Content-Security-Policy lets it load nothing at all, so it opens offline and a page that
 * tried to reach the network would show it as a console error. Every text from an answer is escaped; the SVG goes
 * through {@link SvgSanitizer}. A pure function of its input, so a test can check every number on the page.
 */
public final class ReportPage {

    /** Cycles listed on the page; analyze-dependencies has them all. */
    static final int MAX_CYCLES = 50;
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    private static final String[] LANGUAGE_COLUMNS = {"files", "code", "comment", "blank", "functions"};
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
            h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse}th,td{padding:.25em .7em;border-bottom:1px solid #e4e4e4;text-align:left}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:600}
            code{font:12px ui-monospace,monospace}.note{color:#555}
            figure.graph{margin:0;overflow:auto;border:1px solid #ddd}figure.graph svg{max-width:100%;height:auto}
            """;

    /**
     * What the page is made of.
     *
     * @param name         what the page calls the tree
     * @param metrics      analyze-metrics' first page ({@code totals}, {@code hotspots})
     * @param classes      the largest classes, largest first, each a class record with its file's {@code path}
     * @param dependencies analyze-dependencies' answer ({@code summary}, {@code cycles})
     * @param picture      visualize-dependencies' SVG answer ({@code diagram}, {@code nodes}, {@code edges}, ...)
     */
    public record Input(String name, Map<String, Object> metrics, List<Map<String, Object>> classes,
                        Map<String, Object> dependencies, Map<String, Object> picture) {
    }

    /** The page and the numbers it shows. */
    public record Page(String html, Map<String, Object> summary) {
    }

    private ReportPage() {
    }

    public static Page render(Input input) {
        Map<String, Object> totals = map(input.metrics().get("totals"));
        List<Map<String, Object>> hotspots = list(input.metrics().get("hotspots"));
        List<Map<String, Object>> cycles = list(input.dependencies().get("cycles"));
        Map<String, Object> picture = input.picture();

        String title = "Code report: " + input.name();
        StringBuilder html = new StringBuilder(8192 + String.valueOf(picture.get("diagram")).length());
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<title>").append(e(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n<h1>").append(e(title)).append("</h1>\n");
        summary(html, totals);
        hotspots(html, hotspots);
        graph(html, map(input.dependencies().get("summary")), picture);
        cycles(html, cycles, String.valueOf(input.dependencies().getOrDefault("root", "")));
        classes(html, input.classes());
        html.append("</body>\n</html>\n");

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("languages", map(totals.get("byLanguage")).size());
        summary.put("files", number(totals.get("files")));
        summary.put("code", number(totals.get("code")));
        summary.put("functions", number(totals.get("functions")));
        summary.put("hotspots", hotspots.size());
        summary.put("nodes", number(picture.get("nodes")));
        summary.put("edges", number(picture.get("edges")));
        summary.put("collapsed", Boolean.TRUE.equals(picture.get("collapsed")));
        summary.put("cycles", cycles.size());
        summary.put("classes", input.classes().size());
        return new Page(html.toString(), summary);
    }

    /** Files and lines per language, most code first, and the totals. */
    private static void summary(StringBuilder html, Map<String, Object> totals) {
        open(html, "summary", "Summary");
        html.append("<p class=\"note\">Lines as cloc counts them (analyze-metrics).</p>\n<table>\n<thead><tr><th>language</th>");
        for (String column : LANGUAGE_COLUMNS) {
            html.append("<th class=\"n\">").append(column).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        List<Map.Entry<String, Object>> languages = new ArrayList<>(map(totals.get("byLanguage")).entrySet());
        languages.sort((a, b) -> Long.compare(number(map(b.getValue()).get("code")), number(map(a.getValue()).get("code"))));
        languages.forEach(l -> languageRow(html, l.getKey(), map(l.getValue())));
        html.append("</tbody>\n<tfoot>\n");
        languageRow(html, "total", totals);
        html.append("</tfoot>\n</table>\n</section>\n");
    }

    private static void hotspots(StringBuilder html, List<Map<String, Object>> hotspots) {
        open(html, "hotspots", "Most complex functions");
        if (hotspots.isEmpty()) {
            html.append("<p>No functions were measured.</p>\n");
        } else {
            html.append("<table>\n<thead><tr><th>function</th><th>kind</th><th>where</th><th class=\"n\">cyclomatic</th>")
                    .append("<th class=\"n\">cognitive</th></tr></thead>\n<tbody>\n");
            hotspots.forEach(h -> html.append("<tr><td><code>").append(e(h.get("name"))).append("</code></td><td>")
                    .append(e(h.getOrDefault("kind", ""))).append("</td><td><code>").append(e(h.get("path")))
                    .append(':').append(number(h.get("startLine"))).append("</code></td>").append(cell(h.get("cyclomatic")))
                    .append(cell(h.get("cognitive"))).append("</tr>\n"));
            html.append("</tbody>\n</table>\n");
        }
        html.append("</section>\n");
    }

    /** The import counts and the picture, sanitized. */
    private static void graph(StringBuilder html, Map<String, Object> deps, Map<String, Object> picture) {
        open(html, "dependencies", "Dependency graph");
        html.append("<p>").append(number(deps.get("files"))).append(" files with ").append(number(deps.get("imports")))
                .append(" imports: ").append(number(deps.get("internal"))).append(" inside the tree, ")
                .append(number(deps.get("external"))).append(" external, ").append(number(deps.get("unresolved")))
                .append(" unresolved. The file graph has ").append(number(deps.get("nodes"))).append(" nodes and ")
                .append(number(deps.get("edges"))).append(" edges; edges on cycles are red.</p>\n");
        if (picture.get("note") instanceof String note && !note.isEmpty()) {
            html.append("<p class=\"note\">").append(e(note)).append("</p>\n");
        }
        html.append("<figure class=\"graph\" data-nodes=\"").append(number(picture.get("nodes"))).append("\">\n")
                .append(SvgSanitizer.sanitize(String.valueOf(picture.get("diagram")))).append("\n</figure>\n</section>\n");
    }

    /** Each cycle's size and one shortest cycle, its files named from {@code base} (analyze-dependencies' root). */
    private static void cycles(StringBuilder html, List<Map<String, Object>> cycles, String base) {
        open(html, "cycles", "Dependency cycles");
        if (cycles.isEmpty()) {
            html.append("<p>No cycles.</p>\n");
        } else {
            html.append("<p>").append(cycles.size()).append(cycles.size() == 1 ? " cycle" : " cycles")
                    .append(" (strongly connected components), each with one shortest cycle through it.</p>\n<table>\n")
                    .append("<thead><tr><th class=\"n\">files</th><th>shortest cycle</th></tr></thead>\n<tbody>\n");
            cycles.stream().limit(MAX_CYCLES).forEach(c -> html.append("<tr>").append(cell(strings(c.get("members")).size()))
                    .append("<td><code>").append(e(String.join(" → ", strings(c.get("shortest")).stream()
                            .map(name -> under(base, name)).toList()))).append("</code></td></tr>\n"));
            html.append("</tbody>\n</table>\n");
            if (cycles.size() > MAX_CYCLES) {
                html.append("<p class=\"note\">").append(cycles.size() - MAX_CYCLES)
                        .append(" more: analyze-dependencies lists them all.</p>\n");
            }
        }
        html.append("</section>\n");
    }

    private static void classes(StringBuilder html, List<Map<String, Object>> classes) {
        open(html, "classes", "Largest classes");
        if (classes.isEmpty()) {
            html.append("<p>No classes.</p>\n");
        } else {
            html.append("<p class=\"note\">By lines from declaration to end (analyze-metrics' class records); WMC is ")
                    .append("the sum of the methods' cyclomatic complexity.</p>\n<table>\n<thead><tr><th>class</th>")
                    .append("<th>kind</th><th>where</th><th class=\"n\">lines</th><th class=\"n\">methods</th>")
                    .append("<th class=\"n\">WMC</th></tr></thead>\n<tbody>\n");
            classes.forEach(c -> html.append("<tr><td><code>").append(e(c.get("qualifiedName")))
                    .append("</code></td><td>").append(e(c.get("kind"))).append("</td><td><code>").append(e(c.get("path")))
                    .append(':').append(number(c.get("startLine"))).append('-').append(number(c.get("endLine")))
                    .append("</code></td>").append(cell(lines(c))).append(cell(c.get("methods"))).append(cell(c.get("wmc")))
                    .append("</tr>\n"));
            html.append("</tbody>\n</table>\n");
        }
        html.append("</section>\n");
    }

    /**
     * A node of analyze-dependencies (named relative to the analysed directory) named as the other tools name files
     * (relative to the analysis root), so one file has one name on the page.
     */
    static String under(String directory, String name) {
        return directory.isEmpty() || directory.equals(".") ? name : directory + "/" + name;
    }

    /** A class's size: its lines from declaration to end. */
    static long lines(Map<String, Object> classRecord) {
        return number(classRecord.get("endLine")) - number(classRecord.get("startLine")) + 1;
    }

    private static void open(StringBuilder html, String id, String heading) {
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(heading).append("</h2>\n");
    }

    private static void languageRow(StringBuilder html, String name, Map<String, Object> values) {
        html.append("<tr><td>").append(e(name)).append("</td>");
        for (String column : LANGUAGE_COLUMNS) {
            html.append(cell(values.get(column)));
        }
        html.append("</tr>\n");
    }

    private static String cell(Object value) {
        return "<td class=\"n\">" + (value instanceof Number n && n.doubleValue() != Math.rint(n.doubleValue())
                ? String.format(java.util.Locale.ROOT, "%.1f", n.doubleValue()) : Long.toString(number(value))) + "</td>";
    }

    private static String e(Object text) {
        return Html.escape(String.valueOf(text));
    }

    static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return value instanceof List<?> l ? l.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m)
                .toList() : List.of();
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
