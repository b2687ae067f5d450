package io.mcpca.shared.exec;

import java.util.Optional;

/** A transition the execution state machine does not allow (e.g. SUCCEEDED -> RUNNING). */
public class IllegalTransitionException extends IllegalStateException {

    private final transient Optional<ExecutionState> from;
    private final ExecutionState to;

    public IllegalTransitionException(ExecutionState from, ExecutionState to) {
        super("illegal execution transition " + from + " -> " + to);
        this.from = Optional.of(from);
        this.to = to;
    }

    /** The stored record was in a state that does not allow {@code to} (which one the store did not say). */
    public IllegalTransitionException(String requestId, ExecutionState to) {
        super("execution " + requestId + " cannot move to " + to + " from its current state");
        this.from = Optional.empty();
        this.to = to;
    }

    public Optional<ExecutionState> from() {
        return from;
    }

    public ExecutionState to() {
        return to;
    }
}
