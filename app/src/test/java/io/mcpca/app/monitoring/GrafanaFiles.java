package io.mcpca.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * What grafana/ holds, read the way Grafana and Prometheus read it: every PromQL expression of every dashboard
 * panel, every template variable's query, every recording and alerting rule, and the meter reference table of
 * grafana/README.md. Tests find the directory through {@code -Dmcpca.grafana} (default {@code ../grafana}, as
 * Maven runs app's tests in app/).
 */
final class GrafanaFiles {

    static final ObjectMapper JSON = new ObjectMapper();
    /** A Prometheus metric name in backticks in the first column of the README's meter table. */
    private static final Pattern TABLE_NAME = Pattern.compile("^\\|\\s*`([a-z_:]+)`");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.+),\\s*([a-z_]+)\\)$");

    /** One expression and where it is: "overview.json: Calls/s by tool [A]" or "alert McpcaDeadLetters". */
    record Expression(String where, String expr, Kind kind, String name) {
    }

    enum Kind { PANEL, VARIABLE, RECORD, ALERT }

    private final Path dir;

    GrafanaFiles() {
        this(Path.of(System.getProperty("mcpca.grafana", "../grafana")).toAbsolutePath().normalize());
    }

    GrafanaFiles(Path dir) {
        if (!Files.isDirectory(dir.resolve("dashboards"))) {
            throw new IllegalStateException("no grafana/dashboards under " + dir + " (set -Dmcpca.grafana)");
        }
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path prometheusConfig() {
        return dir.resolve("prometheus/prometheus.yml");
    }

    Path rulesDir() {
        return dir.resolve("prometheus/rules");
    }

    List<Path> dashboards() {
        try (Stream<Path> files = Files.list(dir.resolve("dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel target's expression and every query variable's query, dashboard by dashboard. */
    List<Expression> dashboardExpressions() {
        List<Expression> all = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode dashboard = read(file);
            String name = file.getFileName().toString();
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if ("query".equals(variable.path("type").asText())) {
                    JsonNode query = variable.path("query");
                    String text = query.isObject() ? query.path("query").asText() : query.asText();
                    all.add(new Expression(name + ": variable $" + variable.path("name").asText(), text, Kind.VARIABLE,
                            variable.path("name").asText()));
                }
            }
            List<JsonNode> panels = new ArrayList<>();
            dashboard.path("panels").forEach(p -> {
                panels.add(p);
                p.path("panels").forEach(panels::add);
            });
            for (JsonNode panel : panels) {
                for (JsonNode target : panel.path("targets")) {
                    String title = panel.path("title").asText();
                    all.add(new Expression(name + ": " + title + " [" + target.path("refId").asText() + "]",
                            target.path("expr").asText(), Kind.PANEL, title));
                }
            }
        }
        return all;
    }

    /** Every rule of every file in prometheus/rules/. */
    @SuppressWarnings("unchecked")
    List<Expression> ruleExpressions() {
        List<Expression> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(rulesDir())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                Map<String, Object> root = new Yaml().load(Files.readString(file));
                for (Map<String, Object> group : (List<Map<String, Object>>) root.get("groups")) {
                    for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                        String expr = rule.get("expr").toString().trim();
                        if (rule.containsKey("alert")) {
                            all.add(new Expression("alert " + rule.get("alert"), expr, Kind.ALERT,
                                    rule.get("alert").toString()));
                        } else {
                            all.add(new Expression("record " + rule.get("record"), expr, Kind.RECORD,
                                    rule.get("record").toString()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    List<Expression> allExpressions() {
        List<Expression> all = new ArrayList<>(dashboardExpressions());
        all.addAll(ruleExpressions());
        return all;
    }

    /** The Prometheus names of grafana/README.md's meter table (first column, in backticks), in table order. */
    Set<String> catalogue() {
        Set<String> names = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("README.md"))) {
                Matcher m = TABLE_NAME.matcher(line);
                if (m.find()) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /**
     * The expression as Prometheus can run it: Grafana's variables replaced as the dashboards' defaults have them
     * ("All" is the regex {@code .*}), {@code $__rate_interval} by {@code rateInterval}, and a variable's
     * {@code label_values(selector, label)} as {@code count by (label) (selector)}.
     */
    static String runnable(Expression e, String rateInterval) {
        String expr = e.expr();
        if (e.kind() == Kind.VARIABLE) {
            Matcher m = LABEL_VALUES.matcher(expr.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException(e.where() + ": only label_values(selector, label) is understood: " + expr);
            }
            expr = "count by (" + m.group(2) + ") (" + m.group(1) + ")";
        }
        return expr.replace("$__rate_interval", rateInterval).replace("$pool", ".*").replace("$instance", ".*");
    }

    /** The label a variable query lists ({@code label_values(selector, label)}). */
    static String variableLabel(Expression e) {
        Matcher m = LABEL_VALUES.matcher(e.expr().trim());
        return m.matches() ? m.group(2) : "";
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
