package io.mcpca.shared.session;

import io.mcpca.shared.scripts.ScriptError;
import java.util.Optional;

/**
 * What a call's fenced session write ({@link io.mcpca.shared.exec.CallFinish}) ended with.
 *
 * @param version the session's version after the write (0 when refused)
 * @param refusal why it was refused: {@link ScriptError#STALE_FENCE} (the writer's lease ran out and a newer
 *                holder exists; the writer must drop its work); empty when written
 */
public record SessionWrite(long version, Optional<ScriptError> refusal) {

    public static SessionWrite written(long version) {
        return new SessionWrite(version, Optional.empty());
    }

    public static SessionWrite refused(ScriptError why) {
        return new SessionWrite(0, Optional.of(why));
    }

    public boolean succeeded() {
        return refusal.isEmpty();
    }
}
