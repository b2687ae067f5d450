package io.mcpca.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds and the percentiles we print. */
final class Stats {

    private final long[] samples;
    private int count;

    Stats(int capacity) {
        samples = new long[capacity];
    }

    synchronized void add(long nanos) {
        samples[count++] = nanos;
    }

    /** The p-th percentile (0..100) in milliseconds, nearest-rank. */
    synchronized double percentileMs(double p) {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }
}
