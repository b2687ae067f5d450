package io.mcpca.ingress.batch;

import io.mcpca.shared.batch.ItemState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * batch-status's answer, computed from a batch record: counts per state (items without an outcome count as
 * QUEUED: waiting or running), errors by code, percent, rate over the time since submission, ETA at that rate, and
 * the batch's state: QUEUED (nothing finished), RUNNING, CANCELLING (cancelled, items still draining: each ends
 * CANCELLED as a worker reaches it), DEADLINE_PASSED (items left end DEADLINE_EXCEEDED the same way), COMPLETED,
 * CANCELLED.
 */
final class BatchStatus {

    /** The states a batch does not leave. */
    static final java.util.Set<String> ENDED = java.util.Set.of("COMPLETED", "CANCELLED");

    private BatchStatus() {
    }

    static Map<String, Object> of(String batchId, Map<String, String> record, long nowMs) {
        long total = number(record, "total");
        long done = number(record, "done");
        boolean cancelled = "1".equals(record.get("cancelled"));
        long created = number(record, "createdAtMs");
        long deadline = number(record, "deadlineMs");
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put(ItemState.QUEUED.name(), total - done);
        for (ItemState s : ItemState.values()) {
            if (s.isFinal()) {
                counts.put(s.name(), number(record, "n:" + s.name()));
            }
        }
        Map<String, Object> errors = new LinkedHashMap<>();
        record.forEach((k, v) -> {
            if (k.startsWith("e:")) {
                errors.put(k.substring(2), Long.parseLong(v));
            }
        });
        String state = done >= total ? (cancelled ? "CANCELLED" : "COMPLETED")
                : cancelled ? "CANCELLING"
                : nowMs >= deadline ? "DEADLINE_PASSED"
                : done == 0 ? "QUEUED" : "RUNNING";
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batchId", batchId);
        out.put("name", record.getOrDefault("name", ""));
        out.put("state", state);
        out.put("total", total);
        out.put("done", done);
        out.put("counts", counts);
        out.put("errors", errors);
        out.put("percent", total == 0 ? 100.0 : Math.round(done * 1000.0 / total) / 10.0);
        long end = record.containsKey("finishedAtMs") ? number(record, "finishedAtMs") : nowMs;
        double seconds = Math.max(0.001, (end - created) / 1000.0);
        double rate = done / seconds;
        out.put("itemsPerSecond", Math.round(rate * 10) / 10.0);
        if (done < total && rate > 0) {
            out.put("etaSeconds", Math.round((total - done) / rate * 10) / 10.0);
        }
        out.put("createdAt", Instant.ofEpochMilli(created).toString());
        if (record.containsKey("firstAtMs")) {
            out.put("startedAt", Instant.ofEpochMilli(number(record, "firstAtMs")).toString());
        }
        if (record.containsKey("finishedAtMs")) {
            out.put("finishedAt", Instant.ofEpochMilli(number(record, "finishedAtMs")).toString());
        }
        out.put("deadline", Instant.ofEpochMilli(deadline).toString());
        out.put("priority", number(record, "priority"));
        out.put("cancelled", cancelled);
        if (record.containsKey("queueFailed")) {
            out.put("queueFailed", record.get("queueFailed"));
        }
        return out;
    }

    private static long number(Map<String, String> record, String field) {
        String v = record.get(field);
        return v == null ? 0 : Long.parseLong(v);
    }
}
