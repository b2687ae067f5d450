package io.mcpca.ingress.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.registry.WorkerRegistration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTargetsTest {

    private static WorkerRegistration worker(String id, String address, String... pools) {
        return new WorkerRegistration(WorkerRegistration.VERSION, id, List.of(pools), Map.of(), 2, 0, 0, 5000, address);
    }

    @Test
    void oneTargetGroupPerWorkerWithAnAddressLabelledWithItsPools() {
        List<Map<String, Object>> groups = PrometheusTargets.groups(List.of(
                worker("b", "127.0.0.1:40002", "heavy"),
                worker("in-serve", "", "fast", "heavy"),
                worker("a", "10.0.0.5:8081", "fast", "heavy")));
        assertThat(groups).containsExactly(
                Map.of("targets", List.of("10.0.0.5:8081"), "labels", Map.of("pools", "fast,heavy", "worker_id", "a")),
                Map.of("targets", List.of("127.0.0.1:40002"), "labels", Map.of("pools", "heavy", "worker_id", "b")));
    }

    /** A target label named like a meter tag would overwrite the tag at scrape time (pool="fast" -> "fast,heavy"). */
    @Test
    void noLabelShadowsAMeterTag() {
        List<Map<String, Object>> groups = PrometheusTargets.groups(List.of(worker("a", "127.0.0.1:1", "fast")));
        @SuppressWarnings("unchecked")
        Map<String, String> labels = (Map<String, String>) groups.get(0).get("labels");
        assertThat(labels).doesNotContainKeys("pool", "role", "tool", "kind", "instance", "job");
    }

    @Test
    void noWorkersIsAnEmptyList() {
        assertThat(PrometheusTargets.groups(List.of())).isEmpty();
    }
}
