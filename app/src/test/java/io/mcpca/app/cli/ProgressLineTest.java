package io.mcpca.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batch progress line of {@code mcpca batch submit --watch}: a bar on a terminal, the same numbers in logs. */
class ProgressLineTest {

    static final Map<String, Object> STATUS = Map.of("total", 1000, "done", 350, "state", "RUNNING",
            "counts", Map.of("SUCCEEDED", 348, "FAILED", 1, "CANCELLED", 1), "itemsPerSecond", 120.4, "etaSeconds", 5.4);

    @Test
    void aTerminalGetsABarWithDoneFailedTotalRateAndEta() {
        assertThat(ProgressLine.render(STATUS, true)).isEqualTo(
                "[" + "#".repeat(10) + ".".repeat(20) + "]  35%  350/1000 done  2 failed  120.4 items/s  ETA 5s  RUNNING");
    }

    @Test
    void logsGetTheNumbersWithoutTheBar() {
        assertThat(ProgressLine.render(STATUS, false)).isEqualTo(" 35%  350/1000 done  2 failed  120.4 items/s  ETA 5s  RUNNING");
    }

    @Test
    void anEmptyOrFinishedBatchIsAFullBarWithoutEta() {
        assertThat(ProgressLine.render(Map.of("total", 0, "done", 0, "state", "COMPLETED"), true))
                .isEqualTo("[" + "#".repeat(30) + "] 100%  0/0 done  0 failed  0 items/s  COMPLETED");
    }
}
