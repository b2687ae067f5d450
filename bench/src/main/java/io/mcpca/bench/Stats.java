package io.mcpca.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds and the percentiles we print. */
final class Stats {

    private final long[] samples;
    /** When each sample ended (System.nanoTime), for {@link #slowTimeline}. */
    private final long[] ends;
    private int count;

    Stats(int capacity) {
        samples = new long[capacity];
        ends = new long[capacity];
    }

    synchronized void add(long nanos) {
        ends[count] = System.nanoTime();
        samples[count++] = nanos;
    }

    /**
     * Where the slow calls (over {@code thresholdMs}) fell in time: per window of {@code windowMs} that had
     * any, its offset from the first call's end, the slow count and the worst latency. Slow calls bunched in
     * a few windows point at pauses (GC, a stalled process); spread evenly, at steady queueing.
     */
    synchronized String slowTimeline(double thresholdMs, int windowMs) {
        if (count == 0) {
            return "";
        }
        long first = Arrays.stream(ends, 0, count).min().orElse(0);
        java.util.TreeMap<Long, long[]> windows = new java.util.TreeMap<>();
        for (int i = 0; i < count; i++) {
            if (samples[i] > thresholdMs * 1e6) {
                long[] w = windows.computeIfAbsent((ends[i] - first) / 1_000_000 / windowMs, k -> new long[2]);
                w[0]++;
                w[1] = Math.max(w[1], samples[i]);
            }
        }
        StringBuilder out = new StringBuilder();
        windows.forEach((w, v) -> out.append(String.format("%d ms: %d slow (max %.1f ms); ", w * windowMs, v[0],
                v[1] / 1e6)));
        return out.toString();
    }

    /** The p-th percentile (0..100) in milliseconds, nearest-rank. */
    synchronized double percentileMs(double p) {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }
}
