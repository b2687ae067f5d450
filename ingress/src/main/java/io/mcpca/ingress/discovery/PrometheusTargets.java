package io.mcpca.ingress.discovery;

import io.mcpca.shared.registry.LiveWorkers;
import io.mcpca.shared.registry.WorkerRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus HTTP service discovery ({@code http_sd_configs}) of the workers, at {@link #PATH}: one target group per
 * live worker in the {@code mcpca:workers} registry that advertises a metrics address (its own actuator), labelled
 * with its pools ({@code pools="fast,heavy"}) and id. Not {@code pool} or {@code role}: a target label overwrites a
 * meter tag of the same name at scrape time. Workers on one host with port 0, and scaled containers, are found
 * this way. While Redis cannot be read it answers 503, and Prometheus keeps the targets it had.
 */
public final class PrometheusTargets extends HttpServlet {

    public static final String PATH = "/discovery/prometheus";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final transient LiveWorkers workers;

    public PrometheusTargets(LiveWorkers workers) {
        this.workers = workers;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<WorkerRegistration> live;
        try {
            live = workers.list();
        } catch (RuntimeException e) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the worker registry cannot be read");
            return;
        }
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(JSON.writeValueAsString(groups(live)));
    }

    /** The target groups of {@code live}: those with a metrics address, by worker id. */
    static List<Map<String, Object>> groups(List<WorkerRegistration> live) {
        List<Map<String, Object>> groups = new ArrayList<>();
        live.stream().filter(r -> !r.metricsAddress().isBlank())
                .sorted(Comparator.comparing(WorkerRegistration::workerId))
                .forEach(r -> {
                    Map<String, Object> group = new LinkedHashMap<>();
                    group.put("targets", List.of(r.metricsAddress()));
                    group.put("labels", Map.of("pools", String.join(",", r.pools()), "worker_id", r.workerId()));
                    groups.add(group);
                });
        return groups;
    }
}
