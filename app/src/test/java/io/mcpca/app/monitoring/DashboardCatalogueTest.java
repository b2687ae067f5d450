package io.mcpca.app.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpca.app.monitoring.GrafanaFiles.Expression;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The static half of "dashboards are true" (DashboardsIT is the live half; .ci/grafana/run type-checks the JSON and
 * runs promtool): every meter of grafana/README.md's reference is read by some panel or rule, every mcpca meter a
 * panel or rule reads is in the reference, and every dashboard is one Grafana can provision beside the others.
 */
class DashboardCatalogueTest {

    private static final Pattern OWN_METER = Pattern.compile("\\bmcpca_[a-z_]+");
    private final GrafanaFiles grafana = new GrafanaFiles();

    @Test
    void everyMeterOfTheReferenceIsOnADashboardOrInARule() {
        List<Expression> expressions = grafana.allExpressions();
        Set<String> unused = new TreeSet<>();
        for (String meter : grafana.catalogue()) {
            Pattern used = Pattern.compile(Pattern.quote(meter) + "(_bucket|_count|_sum|_max)?\\b");
            if (expressions.stream().noneMatch(e -> used.matcher(e.expr()).find())) {
                unused.add(meter);
            }
        }
        assertThat(grafana.catalogue()).hasSizeGreaterThan(30);
        assertThat(unused).as("meters of grafana/README.md no panel or rule reads").isEmpty();
    }

    @Test
    void everyMcpcaMeterAPanelOrRuleReadsIsInTheReference() {
        Set<String> reference = grafana.catalogue();
        Set<String> unknown = new TreeSet<>();
        for (Expression e : grafana.allExpressions()) {
            Matcher m = OWN_METER.matcher(e.expr());
            while (m.find()) {
                String name = m.group();
                if (!reference.contains(name) && !reference.contains(name.replaceAll("_(bucket|count|sum|max)$", ""))) {
                    unknown.add(name + " (" + e.where() + ")");
                }
            }
        }
        assertThat(unknown).as("read by a panel or rule but not in grafana/README.md").isEmpty();
    }

    @Test
    void dashboardsHaveUniqueUidsAndQueryThroughTheirDatasourceVariable() {
        Set<String> uids = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Path file : grafana.dashboards()) {
            JsonNode d = GrafanaFiles.read(file);
            if (!uids.add(d.path("uid").asText())) {
                problems.add(file.getFileName() + ": uid " + d.path("uid").asText() + " taken");
            }
            boolean hasVariable = false;
            for (JsonNode v : d.path("templating").path("list")) {
                hasVariable |= "datasource".equals(v.path("name").asText())
                        && "datasource".equals(v.path("type").asText());
            }
            if (!hasVariable) {
                problems.add(file.getFileName() + ": no datasource variable");
            }
            for (JsonNode panel : d.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    if (!"${datasource}".equals(target.path("datasource").path("uid").asText())) {
                        problems.add(file.getFileName() + ": " + panel.path("title").asText()
                                + " queries another datasource");
                    }
                    if (target.path("expr").asText().isBlank()) {
                        problems.add(file.getFileName() + ": " + panel.path("title").asText() + " has an empty query");
                    }
                }
            }
        }
        assertThat(uids).hasSize(4);
        assertThat(problems).isEmpty();
    }
}
