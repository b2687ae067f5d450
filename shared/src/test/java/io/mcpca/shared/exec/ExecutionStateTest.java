package io.mcpca.shared.exec;

import static io.mcpca.shared.exec.ExecutionState.CANCELLED;
import static io.mcpca.shared.exec.ExecutionState.DEAD_LETTERED;
import static io.mcpca.shared.exec.ExecutionState.FAILED;
import static io.mcpca.shared.exec.ExecutionState.QUEUED;
import static io.mcpca.shared.exec.ExecutionState.RUNNING;
import static io.mcpca.shared.exec.ExecutionState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ExecutionStateTest {

    @Test
    void theMachineAllowsExactlyTheDocumentedTransitions() {
        assertThat(QUEUED.next()).containsExactlyInAnyOrder(RUNNING, CANCELLED, DEAD_LETTERED);
        assertThat(RUNNING.next()).containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED, QUEUED);
        for (ExecutionState end : EnumSet.of(SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED)) {
            assertThat(end.isFinal()).isTrue();
            for (ExecutionState any : ExecutionState.values()) {
                assertThatThrownBy(() -> ExecutionState.check(end, any)).isInstanceOf(IllegalTransitionException.class);
            }
        }
        assertThatThrownBy(() -> ExecutionState.check(QUEUED, SUCCEEDED))
                .hasMessageContaining("QUEUED -> SUCCEEDED");
        ExecutionState.check(RUNNING, QUEUED);
    }

    @Test
    void predecessorsAreTheInverseOfNext() {
        assertThat(ExecutionState.predecessorsOf(RUNNING)).containsExactly(QUEUED);
        assertThat(ExecutionState.predecessorsOf(QUEUED)).containsExactly(RUNNING);
        assertThat(ExecutionState.predecessorsOf(DEAD_LETTERED)).containsExactlyInAnyOrder(QUEUED, RUNNING);
        assertThat(ExecutionState.predecessorsOf(SUCCEEDED)).containsExactly(RUNNING);
    }
}
