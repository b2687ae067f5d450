package io.mcpca.app.cli;

import java.util.Map;

/**
 * One line of batch progress from a batch-status answer: on a terminal a bar
 * ({@code [#######.............]  35%  350/1000 done  2 failed  120.4 items/s  ETA 5s}), otherwise the same
 * numbers without the bar, for logs.
 */
final class ProgressLine {

    static final int BAR = 30;

    private ProgressLine() {
    }

    static String render(Map<String, Object> status, boolean bar) {
        long total = number(status.get("total"));
        long done = number(status.get("done"));
        long failed = 0;
        if (status.get("counts") instanceof Map<?, ?> counts) {
            failed = number(counts.get("FAILED")) + number(counts.get("CANCELLED")) + number(counts.get("DEAD_LETTERED"));
        }
        StringBuilder line = new StringBuilder();
        if (bar) {
            int filled = total == 0 ? BAR : (int) (BAR * done / total);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ");
        }
        line.append(String.format("%3d%%  %d/%d done  %d failed  %s items/s", total == 0 ? 100 : done * 100 / total,
                done, total, failed, status.getOrDefault("itemsPerSecond", 0)));
        if (status.get("etaSeconds") instanceof Number eta) {
            line.append("  ETA ").append(Math.round(eta.doubleValue())).append('s');
        }
        line.append("  ").append(status.get("state"));
        return line.toString();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
