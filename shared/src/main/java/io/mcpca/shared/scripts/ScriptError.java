package io.mcpca.shared.scripts;

import java.util.Arrays;
import java.util.Optional;

/** The negative return codes of the Lua scripts (see each script's header), as one typed set. */
public enum ScriptError {
    /** The lock is held under another token. */
    HELD_BY_OTHER(-1),
    /** There is no lock (it expired or was never taken). */
    NO_LOCK(-2);

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
