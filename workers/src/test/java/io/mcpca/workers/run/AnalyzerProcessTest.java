package io.mcpca.workers.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.cache.SharedFileResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a worker reads an analyzer's lines, against a real process: a script that answers every request line
 * with the lines of a file, as {@code mcpca-analyzer serve} would for request {@code r1}.
 */
class AnalyzerProcessTest {

    private static final String NESTED = "{\"path\":\"src/{a}.java\",\"said\":\"he said \\\"}{\\\" \\\\ \\n\","
            + "\"name\":\"caf\u00e9 \u2603 \uD83D\uDE00\",\"items\":[{\"x\":\"]\"},[],-1.5e2,null]}";

    @TempDir
    Path tmp;

    private final List<AnalyzerProcess> started = new ArrayList<>();

    @AfterEach
    void close() {
        started.forEach(AnalyzerProcess::close);
    }

    /** An "analyzer" that answers each request with {@code lines}. */
    private AnalyzerProcess answering(long maxResultBytes, String... lines) throws IOException {
        Path answer = tmp.resolve("answer-" + started.size() + ".jsonl");
        Files.writeString(answer, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Path script = tmp.resolve("analyzer-" + started.size() + ".sh");
        Files.writeString(script, "#!/bin/bash\nwhile IFS= read -r line; do cat '" + answer + "'; done\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        AnalyzerProcess process = AnalyzerProcess.start(script, List.of(), SharedFileResults.NONE, maxResultBytes);
        started.add(process);
        return process;
    }

    private static AnalyzerOutcome call(AnalyzerProcess process, ProgressListener progress) {
        return process.call("r1", "calculate-metrics", Map.of("path", "x"), Duration.ofSeconds(20), progress);
    }

    @Test
    void aResultPassesOnAsTheExactBytesOfItsValue() throws IOException {
        AnalyzerProcess analyzer = answering(AnalyzerProcess.DEFAULT_MAX_RESULT_BYTES,
                "{\"id\":\"r1\",\"type\":\"result\",\"result\":" + NESTED + "}");
        AnalyzerOutcome outcome = call(analyzer, ProgressListener.NONE);
        assertThat(outcome.succeeded()).as(outcome.errorMessage()).isTrue();
        assertThat(outcome.result().utf8()).isEqualTo(NESTED.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anOverLongResultLineAnswersResultTooLargeWithoutReadingTheResult() throws IOException {
        // the result is not even JSON (a bare word): a parse would fail, the size check does not need one
        String huge = "{\"id\":\"r1\",\"type\":\"result\",\"result\":{\"code\":[" + "nope,".repeat(100) + "0]}}";
        AnalyzerProcess analyzer = answering(200, huge);
        AnalyzerOutcome outcome = call(analyzer, ProgressListener.NONE);
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
        assertThat(outcome.errorMessage()).contains("MiB").contains("ask for less");
        assertThat(analyzer.isUsable()).as("the process stays in use").isTrue();
    }

    @Test
    void anErrorLineFailsTheCallWithItsCodeAndMessage() throws IOException {
        AnalyzerProcess analyzer = answering(AnalyzerProcess.DEFAULT_MAX_RESULT_BYTES,
                "{\"id\":\"r1\",\"type\":\"error\",\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no \\\"A.java\\\" \u00e9\"}}");
        AnalyzerOutcome outcome = call(analyzer, ProgressListener.NONE);
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(outcome.errorMessage()).isEqualTo("no \"A.java\" \u00e9");
    }

    @Test
    void progressCacheStatsAndStrayLinesComeBeforeTheResultWithoutEndingTheCall() throws IOException {
        AnalyzerProcess analyzer = answering(AnalyzerProcess.DEFAULT_MAX_RESULT_BYTES,
                "{\"id\":\"r1\",\"type\":\"progress\",\"progress\":3,\"total\":10,\"message\":\"file \\\"b\\\"\"}",
                "not json at all",
                "{\"id\":\"other\",\"type\":\"result\",\"result\":{\"stale\":true}}",
                "{\"id\":\"r1\",\"type\":\"cacheStats\",\"sharedCache\":{\"looked\":3,\"received\":1,\"stored\":2}}",
                "{\"id\":\"r1\",\"type\":\"result\",\"result\":{\"ok\":true}}");
        List<String> progress = new ArrayList<>();
        AnalyzerOutcome outcome = call(analyzer, (done, total, message) -> progress.add(done + "/" + total + " " + message));
        assertThat(progress).containsExactly("3/10 file \"b\"");
        assertThat(outcome.succeeded()).as(outcome.errorMessage()).isTrue();
        assertThat(outcome.result().text()).isEqualTo("{\"ok\":true}");
    }
}
