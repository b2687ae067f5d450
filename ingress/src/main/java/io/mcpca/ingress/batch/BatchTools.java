package io.mcpca.ingress.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.KeyValue;
import io.lettuce.core.api.sync.RedisStringCommands;
import io.mcpca.ingress.mcp.IngressAnswered;
import io.mcpca.ingress.mcp.ToolHandler;
import io.mcpca.ingress.security.PrincipalRateLimits;
import io.mcpca.ingress.submit.CancelPublisher;
import io.mcpca.shared.batch.BatchItemId;
import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch tools, answered by the ingress from Redis (no worker runs them): submit-batch, batch-status,
 * batch-results, cancel-batch, list-batches. Each runs on a bounded-elastic thread (they wait on Redis); a refusal
 * is an error result with its code like any tool's. The caller is the MCP principal; a batch is visible to its
 * owner only.
 */
public final class BatchTools {

    private static final Logger log = LoggerFactory.getLogger(BatchTools.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Indices one batch-results call looks at when filtering by state, before it answers with a cursor. */
    static final int MAX_SCAN = 20_000;
    static final int DEFAULT_LIMIT = 100;
    /** A page ends before this much JSON (as the directory tools' pages), so no answer outgrows an MCP client's limit. */
    static final int PAGE_BYTES = 4 << 20;
    /** How a referenced result appears in an outcome (BatchOutcomes writes it so). */
    private static final String REF = "\"resultRef\":{\"digest\":\"";
    /** A watching batch-status answers after this at the latest (below the clients' usual request timeouts). */
    static final Duration MAX_WATCH = Duration.ofSeconds(50);
    /** How often a watching batch-status reads the record: a Redis HGETALL twice a second per watcher. */
    static final Duration WATCH_POLL = Duration.ofMillis(500);

    private final BatchItems expansion;
    private final BatchStore store;
    private final RedisStringCommands<String, String> results;
    private final Keys keys;
    private final McpcaProperties.Batch limits;
    private final PrincipalRateLimits rateLimits;
    private final CancelPublisher cancels;
    private final String replyStream;
    private final Clock clock;

    public BatchTools(BatchItems expansion, BatchStore store, RedisStringCommands<String, String> results, Keys keys,
                      McpcaProperties.Batch limits, PrincipalRateLimits rateLimits, CancelPublisher cancels,
                      String replyStream, Clock clock) {
        this.expansion = expansion;
        this.store = store;
        this.results = results;
        this.keys = keys;
        this.limits = limits;
        this.rateLimits = rateLimits;
        this.cancels = cancels;
        this.replyStream = replyStream;
        this.clock = clock;
    }

    /** The handler of one batch tool (Redis reads and writes: on a bounded-elastic thread). */
    public ToolHandler handlerFor(ToolDescriptor tool) {
        return IngressAnswered.handler(tool.name(), (name, principal, args, exchange, call) -> switch (name) {
            case "submit-batch" -> submit(principal, args);
            case "batch-status" -> Boolean.TRUE.equals(args.get("watch"))
                    ? watch(principal, batchId(args), exchange, call.progressToken())
                    : BatchStatus.of(batchId(args), store.record(principal, batchId(args)), clock.millis());
            case "batch-results" -> results(principal, args);
            case "cancel-batch" -> cancel(principal, batchId(args));
            case "list-batches" -> list(principal);
            default -> throw new BatchRefused(ErrorCode.UNKNOWN_TOOL, "unknown tool: " + name);
        });
    }

    private Map<String, Object> submit(String principal, Map<String, Object> args) {
        Optional<Duration> limited = rateLimits.tryAcquire(principal);
        if (limited.isPresent()) {
            throw new BatchRefused(ErrorCode.OVERLOADED, "principal '" + principal + "' is over its call rate limit");
        }
        Instant deadline = deadline(args.get("deadline"));
        int priority = args.get("priority") instanceof Number n ? n.intValue() : 5;
        String name = args.get("name") instanceof String s ? s : "";
        long begin = System.nanoTime();
        List<BatchItems.Item> items = expansion.expand(args);
        long expanded = System.nanoTime();
        BatchStore.Created created = store.create(principal, replyStream, name, deadline, priority, items);
        log.info("batch {} of principal {}: {} items queued (expanded in {} ms, recorded and queued in {} ms)",
                created.batchId(), principal, created.items(), (expanded - begin) / 1_000_000,
                (System.nanoTime() - expanded) / 1_000_000);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batchId", created.batchId());
        out.put("items", created.items());
        out.put("state", "QUEUED");
        out.put("deadline", created.deadline().toString());
        return out;
    }

    /**
     * batch-status with {@code watch: true}: the call stays open while the batch runs, at most {@link #MAX_WATCH},
     * sending {@code notifications/progress} (items done of total) to a client that gave a progress token whenever
     * the count moves, then answers the status. Progress belongs to an open request, so this is how a submitter that
     * stays connected follows its batch.
     */
    private Map<String, Object> watch(String principal, String batchId, McpAsyncServerExchange exchange,
                                      Object progressToken) throws InterruptedException {
        long until = clock.millis() + MAX_WATCH.toMillis();
        long lastDone = -1;
        while (true) {
            Map<String, Object> status = BatchStatus.of(batchId, store.record(principal, batchId), clock.millis());
            long done = ((Number) status.get("done")).longValue();
            if (progressToken != null && done != lastDone) {
                exchange.progressNotification(new ProgressNotification(progressToken, (double) done,
                        ((Number) status.get("total")).doubleValue(), status.get("state") + " " + status.get("counts")))
                        .block(Duration.ofSeconds(5));
                lastDone = done;
            }
            if (BatchStatus.ENDED.contains(String.valueOf(status.get("state"))) || clock.millis() >= until) {
                return status;
            }
            Thread.sleep(WATCH_POLL.toMillis());
        }
    }

    private Instant deadline(Object value) {
        Instant now = clock.instant();
        if (!(value instanceof String text) || text.isBlank()) {
            return now.plus(limits.getDefaultDeadline());
        }
        Instant deadline;
        try {
            deadline = text.startsWith("P") || text.startsWith("p") ? now.plus(Duration.parse(text)) : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "deadline: not an ISO-8601 duration (PT30M) or instant "
                    + "(2026-12-07T10:00:00Z): " + text);
        }
        if (!deadline.isAfter(now)) {
            throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "deadline: " + deadline + " has passed");
        }
        if (deadline.isAfter(now.plus(limits.getMaxDeadline()))) {
            throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "deadline: at most " + limits.getMaxDeadline() + " ahead");
        }
        return deadline;
    }

    /** One page of outcomes as JSON text: outcomes are spliced in as stored, never parsed (but for the totals). */
    private String results(String principal, Map<String, Object> args) throws JsonProcessingException {
        String batchId = batchId(args);
        Map<String, String> record = store.record(principal, batchId);
        int total = Integer.parseInt(record.get("total"));
        int limit = args.get("limit") instanceof Number n ? Math.max(1, Math.min(1000, n.intValue())) : DEFAULT_LIMIT;
        String wanted = args.get("state") instanceof String s ? s : "";
        int from = 0;
        if (args.get("cursor") instanceof String cursor) {
            try {
                from = Integer.parseInt(cursor);
            } catch (NumberFormatException e) {
                throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "cursor: not one this tool gave: " + cursor);
            }
            if (from < 0 || from > total) {
                throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "cursor: out of range: " + cursor);
            }
        }
        StringBuilder items = new StringBuilder(limit * 256);
        int found = 0;
        int at = from;
        int scanned = 0;
        boolean full = false;
        while (at < total && found < limit && scanned < MAX_SCAN && !full) {
            int chunk = Math.min(wanted.isEmpty() ? limit - found : 1000, total - at);
            List<KeyValue<String, String>> outcomes = store.outcomes(batchId, at, chunk);
            int i = 0;
            for (; i < chunk && found < limit; i++) {
                KeyValue<String, String> kv = outcomes.get(i);
                String outcome = kv.hasValue() ? kv.getValue() : "{\"state\":\"QUEUED\"}";
                // every outcome opens with its state (BatchOutcomes writes it first)
                if (!wanted.isEmpty() && !outcome.startsWith("{\"state\":\"" + wanted + "\"")) {
                    continue;
                }
                String item = "{\"index\":" + (at + i) + "," + withStoredResult(outcome).substring(1);
                if (found > 0 && items.length() + item.length() > PAGE_BYTES) {
                    full = true; // this item opens the next page
                    break;
                }
                items.append(found++ == 0 ? "" : ",").append(item);
            }
            at += i;
            scanned += i;
        }
        StringBuilder out = new StringBuilder(items.length() + 256);
        out.append("{\"batchId\":\"").append(batchId).append("\",\"items\":[").append(items).append(']');
        if (at < total) {
            out.append(",\"nextCursor\":\"").append(at).append('"');
        }
        if (from == 0) {
            ResultTotals totals = totals(batchId, record);
            if (!totals.isEmpty()) {
                out.append(",\"totals\":").append(JSON.writeValueAsString(totals.toMap()));
            }
        }
        return out.append('}').toString();
    }

    /**
     * The outcome with a referenced result put back in ({@code result} beside its {@code resultRef}), as long as the
     * stored result is still there; else as stored (the reference names the digest).
     */
    private String withStoredResult(String outcome) {
        int ref = outcome.indexOf(REF);
        if (ref < 0) {
            return outcome;
        }
        int start = ref + REF.length();
        String digest = outcome.substring(start, outcome.indexOf('"', start));
        String stored = results.get(keys.result(digest));
        return stored == null ? outcome : outcome.substring(0, ref) + "\"result\":" + stored + "," + outcome.substring(ref);
    }

    private ResultTotals totals(String batchId, Map<String, String> record) {
        ResultTotals totals = new ResultTotals();
        boolean rollsUp = record.keySet().stream().anyMatch(k -> k.equals("tool:calculate-metrics")
                || k.equals("tool:analyze-metrics") || k.equals("tool:analyze-repository"));
        if (!rollsUp) {
            return totals;
        }
        store.eachOutcome(batchId, (index, outcome) -> {
            try {
                JsonNode node = JSON.readTree(outcome);
                if (node.has("result")) {
                    totals.add(node.get("result"));
                } else if (node.path("resultRef").has("digest")) {
                    String stored = results.get(keys.result(node.path("resultRef").path("digest").asText()));
                    if (stored != null) {
                        totals.add(JSON.readTree(stored));
                    }
                }
            } catch (JsonProcessingException e) {
                log.debug("batch {} item {}: outcome not JSON: {}", batchId, index, e.getMessage());
            }
        });
        return totals;
    }

    private Map<String, Object> cancel(String principal, String batchId) {
        boolean now = store.cancel(principal, batchId);
        Map<String, String> record = store.record(principal, batchId);
        // false only for a batch that finished before any cancel: it stays COMPLETED (BatchStore.cancel)
        boolean cancelled = "1".equals(record.get("cancelled"));
        if (cancelled) {
            // published every time (idempotent): a worker that missed the first one stops the running items now
            cancels.cancel(BatchItemId.cancelMessage(batchId));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batchId", batchId);
        out.put("cancelled", cancelled);
        out.put("state", now ? "CANCELLING" : BatchStatus.of(batchId, record, clock.millis()).get("state"));
        return out;
    }

    private Map<String, Object> list(String principal) {
        List<Object> batches = new ArrayList<>();
        long now = clock.millis();
        for (Map.Entry<String, Map<String, String>> e : store.list(principal)) {
            Map<String, Object> status = BatchStatus.of(e.getKey(), e.getValue(), now);
            Map<String, Object> row = new LinkedHashMap<>();
            for (String f : List.of("batchId", "name", "state", "total", "done", "percent", "createdAt", "deadline")) {
                row.put(f, status.get(f));
            }
            batches.add(row);
        }
        return Map.of("batches", batches);
    }

    private static String batchId(Map<String, Object> args) {
        return args.get("batchId") instanceof String s ? s : "";
    }
}
