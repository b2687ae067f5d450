package io.mcpca.shared.scripts;

import java.util.Arrays;
import java.util.Optional;

/** The negative return codes of the Lua scripts (see each script's header), as one typed set. */
public enum ScriptError {
    /** The lock is held under another token. */
    HELD_BY_OTHER(-1),
    /** There is no lock (it expired or was never taken). */
    NO_LOCK(-2),
    /** A newer fencing token was handed out: the writer's lease ran out and another holder took the session. */
    STALE_FENCE(-3),
    /** The execution record is in a state from which the requested transition is not allowed. */
    ILLEGAL_TRANSITION(-6),
    /** The stream entry is owned by another consumer (it was reclaimed from us). */
    NOT_OWNER(-7);

    private final long code;

    ScriptError(long code) {
        this.code = code;
    }

    public long code() {
        return code;
    }

    /** The error for a script's return value, or empty for a success value (>= 0). */
    public static Optional<ScriptError> of(long returned) {
        if (returned >= 0) {
            return Optional.empty();
        }
        return Optional.of(Arrays.stream(values())
                .filter(e -> e.code == returned)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("script returned unknown code " + returned)));
    }
}
