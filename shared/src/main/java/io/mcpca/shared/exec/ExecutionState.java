package io.mcpca.shared.exec;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of one call's execution and the only transitions between them; the one place the
 * machine is defined (the Redis script only compares against what this class allows).
 *
 * <pre>
 * QUEUED  -> RUNNING | CANCELLED | DEAD_LETTERED
 * RUNNING -> SUCCEEDED | FAILED | CANCELLED | DEAD_LETTERED
 *          | QUEUED (reclaimed from a dead or stalled worker, or handed back; attempt + 1)
 * SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED: final
 * </pre>
 * A call has no record until a worker first touches it; it is QUEUED then (the stream entry is the
 * queue).
 */
public enum ExecutionState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    DEAD_LETTERED;

    /** The state of a call without a record. */
    public static final ExecutionState INITIAL = QUEUED;

    public Set<ExecutionState> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, DEAD_LETTERED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED, QUEUED);
            case SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED -> EnumSet.noneOf(ExecutionState.class);
        };
    }

    public boolean isFinal() {
        return next().isEmpty();
    }

    public boolean canMoveTo(ExecutionState target) {
        return next().contains(target);
    }

    /** The states from which {@code target} may be entered. */
    public static Set<ExecutionState> predecessorsOf(ExecutionState target) {
        Set<ExecutionState> from = EnumSet.noneOf(ExecutionState.class);
        for (ExecutionState s : values()) {
            if (s.canMoveTo(target)) {
                from.add(s);
            }
        }
        return from;
    }

    /** Checks one transition; throws for an illegal one. */
    public static void check(ExecutionState from, ExecutionState to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalTransitionException(from, to);
        }
    }
}
