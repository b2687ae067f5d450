package io.mcpca.shared.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerRegistrationTest {

    /** A worker of the release before issue 14 still writes version 1 records while both run. */
    @Test
    void aVersionOneRecordReadsWithNoMetricsAddressAndTheDefaultPeriod() {
        String v1 = "{\"version\":1,\"workerId\":\"w1\",\"pools\":[\"fast\"],\"tools\":{\"ping\":\"1\"},"
                + "\"concurrency\":2,\"heartbeatAtMs\":10000,\"startedAtMs\":5000}";
        WorkerRegistration read = LiveWorkers.parse(v1).orElseThrow();
        assertThat(read.metricsAddress()).isEmpty();
        assertThat(read.heartbeatPeriodMs()).isZero();
        assertThat(read.pools()).containsExactly("fast");
        assertThat(read.isLive(10_000 + 15_000, 5_000)).isTrue();
        assertThat(read.isLive(10_000 + 15_001, 5_000)).isFalse();
    }

    @Test
    void aRecordRoundTripsAndJudgesFreshnessByItsOwnPeriod() {
        WorkerRegistration written = new WorkerRegistration(WorkerRegistration.VERSION, "w2", List.of("fast", "heavy"),
                Map.of("ping", "1"), 4, 1_000, 500, 100, "127.0.0.1:40123");
        WorkerRegistration read = LiveWorkers.parse(LiveWorkers.toJson(written)).orElseThrow();
        assertThat(read).isEqualTo(written);
        assertThat(read.isLive(1_300, 5_000)).isTrue();
        assertThat(read.isLive(1_301, 5_000)).isFalse();
    }

    @Test
    void unknownFieldsAreIgnoredAndGarbageIsNoRecord() {
        assertThat(LiveWorkers.parse("{\"version\":3,\"workerId\":\"w3\",\"future\":true}")).isPresent();
        assertThat(LiveWorkers.parse("not json")).isEmpty();
    }
}
