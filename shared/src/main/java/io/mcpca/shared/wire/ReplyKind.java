package io.mcpca.shared.wire;

/** What a {@link ToolReply} carries: an interim progress event or the one final answer. */
public enum ReplyKind {
    PROGRESS,
    RESULT,
    ERROR;

    public boolean isFinal() {
        return this != PROGRESS;
    }
}
