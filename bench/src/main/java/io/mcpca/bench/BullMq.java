package io.mcpca.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** BullMQ beside our pipeline on the same Redis (bench/pipeline/bullmq.mjs on Node): its answer and drain rates. */
final class BullMq {

    private BullMq() {
    }

    static String run(String uri, int workers, int concurrency, int jobs, int inFlight) throws Exception {
        Path script = Path.of("bench", "pipeline", "bullmq.mjs").toAbsolutePath();
        Process node = new ProcessBuilder("node", script.toString(), uri, Integer.toString(workers),
                Integer.toString(concurrency), Integer.toString(jobs), Integer.toString(inFlight))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes()).trim();
        if (!node.waitFor(300, TimeUnit.SECONDS) || node.exitValue() != 0) {
            throw new IllegalStateException("bullmq bench failed: " + out);
        }
        return out.lines().reduce((a, b) -> b).orElse("{}");
    }

    static double number(String json, String field) {
        int at = json.indexOf("\"" + field + "\":");
        if (at < 0) {
            return Double.NaN;
        }
        String rest = json.substring(at + field.length() + 3);
        return Double.parseDouble(rest.split("[,}]")[0]);
    }
}
