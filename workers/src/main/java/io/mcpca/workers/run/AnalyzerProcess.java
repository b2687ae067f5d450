package io.mcpca.workers.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mcpca.shared.log.CallMdc;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.cache.SharedFileResults;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One warm {@code mcpca-analyzer serve} child process, used by one call at a time.
 *
 * <p>Lifecycle: 1. {@link #start} spawns the binary (argument list, no shell) and a thread that logs its
 * stderr; 2. {@link #call} writes one request line and reads stdout itself, on the calling thread, until the
 * result or error line with the same id, passing progress lines on (no reader thread in between: a no-op
 * call costs one thread wake-up fewer); lines are read as bytes and only the fields acted on are decoded
 * ({@link AnalyzerLine}): the result is final as the analyzer wrote it (paths relative to the root) and goes on
 * as its bytes; a timer kills the process if the call passes its deadline, which
 * ends the read; 3. a call that passes its deadline, or a process that dies, leaves the process
 * {@linkplain #isUsable unusable} and the pool replaces it; 4. {@link #cancel} kills it mid-call (the call
 * ends cancelled, the pool replaces the process); 5. {@link #close} kills it.
 *
 * <p>With a {@link SharedFileResults} tier, requests carry {@code sharedCache}: the analyzer asks for the
 * per-file results its own cache lacks ({@code cacheLookup}, answered here with one {@code cacheEntries}
 * line) and hands over those it measured ({@code cacheStore}), both before its result line, followed by the
 * call's counts ({@code cacheStats}), which are ignored here: the worker's {@code mcpca.cache.files} counters
 * count the same lookups.
 */
public final class AnalyzerProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnalyzerProcess.class);
    /**
     * Default bound of one result line, in bytes: an MCP answer carries the result twice (structured content and the
     * same JSON as text), and the official MCP SDK clients refuse a message line over 16 MiB.
     */
    public static final long DEFAULT_MAX_RESULT_BYTES = 6L * 1024 * 1024;
    /** Kills processes whose call passed its deadline; one daemon thread for all, idle unless one does. */
    private static final DeadlineTimer DEADLINES = new DeadlineTimer("analyzer-deadlines");

    private final Process process;
    private final BufferedWriter stdin;
    private final LineReader stdout;
    private final ObjectMapper json = new ObjectMapper();
    private final ObjectReader strictJson = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final SharedFileResults shared;
    private final long maxResultBytes;
    private volatile boolean usable = true;
    private volatile boolean cancelled;
    private volatile boolean overran;
    /** The MDC of the call in hand (its ids), for the stderr reader; null between calls. */
    private volatile Map<String, String> callLogContext;

    private AnalyzerProcess(Process process, SharedFileResults shared, long maxResultBytes) {
        this.process = process;
        this.shared = shared;
        this.maxResultBytes = maxResultBytes;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stdout = new LineReader(process.getInputStream());
    }

    public static AnalyzerProcess start(Path binary) {
        return start(binary, List.of(), SharedFileResults.NONE, DEFAULT_MAX_RESULT_BYTES);
    }

    /**
     * @param serveOptions   options of {@code mcpca-analyzer serve} ({@code --cache-dir DIR}, say), as separate
     *                       arguments (no shell)
     * @param shared         where per-file results are shared with other workers
     * @param maxResultBytes a result line longer than this (in bytes) is not passed on: the call fails with
     *                       {@link ErrorCode#RESULT_TOO_LARGE}, and the process stays in use
     */
    public static AnalyzerProcess start(Path binary, List<String> serveOptions, SharedFileResults shared,
                                        long maxResultBytes) {
        try {
            List<String> command = new ArrayList<>(List.of(binary.toString(), "serve"));
            command.addAll(serveOptions);
            Process process = new ProcessBuilder(command).start();
            AnalyzerProcess analyzer = new AnalyzerProcess(process, shared, maxResultBytes);
            analyzer.startReaders();
            return analyzer;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the analyzer " + binary + ": " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isUsable() {
        return usable && process.isAlive();
    }

    /**
     * Runs one request. {@code timeout} bounds the whole call; when it passes the process is killed
     * (its state is unknown) and the outcome is {@link ErrorCode#DEADLINE_EXCEEDED}.
     */
    public AnalyzerOutcome call(String id, String tool, Map<String, Object> args, Duration timeout,
                                ProgressListener progress) {
        if (timeout.isNegative() || timeout.isZero()) {
            return AnalyzerOutcome.failure(ErrorCode.DEADLINE_EXCEEDED, "the call's deadline passed before it ran");
        }
        // the stderr reader logs what the analyzer writes meanwhile in the log context of the call it runs
        callLogContext = MDC.getCopyOfContextMap();
        DeadlineTimer.Deadline deadline = DEADLINES.schedule(() -> {
            overran = true;
            usable = false;
            kill();
        }, timeout.toNanos());
        try {
            return exchange(id, tool, args, timeout, progress);
        } finally {
            deadline.cancel();
            callLogContext = null;
        }
    }

    private AnalyzerOutcome exchange(String id, String tool, Map<String, Object> args, Duration timeout,
                                     ProgressListener progress) {
        try {
            Map<String, Object> request = new LinkedHashMap<>(Map.of("id", id, "tool", tool, "args", args));
            if (shared.enabled()) {
                request.put("sharedCache", true);
            }
            stdin.write(json.writeValueAsString(request));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            usable = false;
            return ended(timeout, "analyzer process stopped accepting requests: ");
        }
        while (true) {
            boolean more;
            try {
                more = stdout.next();
            } catch (IOException e) {
                more = false;
            }
            if (!more) {
                usable = false;
                return ended(timeout, "analyzer process ended mid-call: ");
            }
            if (cancelled) {
                usable = false;
                return AnalyzerOutcome.cancelled("the call was cancelled; its analyzer process was killed");
            }
            Optional<AnalyzerLine> read = AnalyzerLine.read(stdout.bytes(), stdout.start(), stdout.end());
            if (read.isEmpty()) {
                log.warn("analyzer {} wrote a line that is not a JSON object: {}", pid(), abbreviate(stdout));
                continue;
            }
            AnalyzerLine line = read.get();
            if (!id.equals(line.id())) {
                log.warn("analyzer {} answered request {} while {} was in hand; dropped", pid(), line.id(), id);
                continue;
            }
            switch (line.type()) {
                case "progress" -> progress.onProgress(line.number("progress"), line.number("total"),
                        line.string("message").orElse(""));
                case "result" -> {
                    return result(id, line);
                }
                case "cacheLookup" -> {
                    if (!answerLookup(id, line.strings("keys"))) {
                        usable = false;
                        return ended(timeout, "analyzer process stopped accepting input mid-call: ");
                    }
                }
                case "cacheStore" -> line.texts("entries").ifPresentOrElse(shared::store, () ->
                        log.warn("analyzer {} sent a cacheStore line without entries: {}", pid(), line.abbreviated()));
                // the shared tier's counts for this call: the worker's own mcpca.cache.files counters say the same
                case "cacheStats" -> { }
                case "error" -> {
                    Optional<AnalyzerLine> error = line.object("error");
                    return AnalyzerOutcome.failure(
                            ErrorCode.fromAnalyzer(error.flatMap(e -> e.string("code")).orElse("")),
                            error.flatMap(e -> e.string("message")).orElse("analyzer error"));
                }
                default -> log.warn("analyzer {} sent an unknown line type: {}", pid(), line.abbreviated());
            }
        }
    }

    /**
     * The outcome of request {@code id}'s result line: its {@code result} value as the bytes it was written in,
     * or, for a line over the limit, a {@link ErrorCode#RESULT_TOO_LARGE} failure that says how to ask for less.
     */
    private AnalyzerOutcome result(String id, AnalyzerLine line) {
        if (line.length() > maxResultBytes) {
            log.warn("analyzer {} answered {} with {} bytes, over the limit of {}; answered RESULT_TOO_LARGE",
                    pid(), id, line.length(), maxResultBytes);
            return AnalyzerOutcome.failure(ErrorCode.RESULT_TOO_LARGE, String.format(
                    "the result is %.1f MiB, more than one answer may carry here (%.1f MiB, mcpca.worker.max-result-size);"
                            + " ask for less: a smaller limit, detail 'files' or 'summary', a directoryDepth, or a subdirectory",
                    line.length() / 1048576.0, maxResultBytes / 1048576.0));
        }
        return line.json("result").map(AnalyzerOutcome::success).orElseGet(() -> AnalyzerOutcome.failure(
                ErrorCode.ANALYZER_FAILED, "the analyzer's result line for " + id + " has no result"));
    }

    /**
     * Answers a {@code cacheLookup} with one {@code cacheEntries} line: what the shared tier has of the keys
     * asked for, each entry's JSON text passed on as stored (so both analyzers' caches hold the same bytes).
     * An entry that is not one JSON value (damaged in Redis) is left out, so the analyzer parses that file.
     *
     * @return false if the process no longer takes input
     */
    private boolean answerLookup(String id, List<String> wanted) {
        StringBuilder answer = new StringBuilder(256);
        try {
            answer.append("{\"id\":").append(json.writeValueAsString(id))
                    .append(",\"type\":\"cacheEntries\",\"entries\":{");
            boolean first = true;
            for (Map.Entry<String, String> entry : shared.lookup(wanted).entrySet()) {
                if (!isOneJsonValue(entry.getValue())) {
                    log.warn("shared file result {} is not JSON; the analyzer measures that file again", entry.getKey());
                    continue;
                }
                answer.append(first ? "" : ",").append(json.writeValueAsString(entry.getKey())).append(':')
                        .append(entry.getValue());
                first = false;
            }
            answer.append("}}\n");
            stdin.write(answer.toString());
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean isOneJsonValue(String text) {
        try {
            strictJson.readTree(text);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the process's output ended: cancelled, killed at the deadline, or it died by itself. */
    private AnalyzerOutcome ended(Duration timeout, String died) {
        if (cancelled) {
            return AnalyzerOutcome.cancelled("the call was cancelled; its analyzer process was killed");
        }
        if (overran) {
            return AnalyzerOutcome.failure(ErrorCode.DEADLINE_EXCEEDED,
                    "the analysis did not finish within " + timeout.toMillis() + " ms");
        }
        return AnalyzerOutcome.failure(ErrorCode.ANALYZER_FAILED, died + exitInfo());
    }

    /**
     * Kills the process in the middle of a call: its state is unknown, so it is never reused. The
     * waiting {@link #call} sees its output end and returns a cancelled outcome.
     */
    public void cancel() {
        cancelled = true;
        usable = false;
        kill();
    }

    /**
     * Kills the process and whatever it started: a child that inherited its stdout (a wrapper script's
     * analyzer, say) would otherwise keep the pipe open and the waiting read with it.
     */
    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() {
        usable = false;
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the process is being killed anyway
        }
        kill();
    }

    private void startReaders() {
        Thread err = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    try (CallMdc.Scope scope = CallMdc.restore(callLogContext)) {
                        log.info("analyzer {}: {}", pid(), line);
                    }
                }
            } catch (IOException ignored) {
                // stderr closes with the process
            }
        }, "analyzer-" + pid() + "-err");
        err.setDaemon(true);
        err.start();
    }

    private String exitInfo() {
        try {
            if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                return "exit code " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "still running";
    }

    private static String abbreviate(LineReader line) {
        int shown = Math.min(line.end() - line.start(), 200);
        return new String(line.bytes(), line.start(), shown, StandardCharsets.UTF_8)
                + (shown < line.end() - line.start() ? "..." : "");
    }
}
