package io.mcpca.workers.run;

/** Receives the analyzer's progress lines for the call in hand. */
@FunctionalInterface
public interface ProgressListener {

    void onProgress(long progress, long total, String message);

    ProgressListener NONE = (progress, total, message) -> { };
}
