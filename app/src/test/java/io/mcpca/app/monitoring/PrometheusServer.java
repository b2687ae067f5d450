package io.mcpca.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpca.shared.redis.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} on a free loopback port, running a given configuration file, with its storage in a
 * temporary directory; queried through its HTTP API ({@code /api/v1/query}). The binary is {@code prometheus} on
 * the PATH or {@code PROMETHEUS_BIN} (./mcpca installs Debian's package). Stopped and its storage left to the
 * test's temporary directory on close.
 */
final class PrometheusServer implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts it on {@code config} (rule files relative to the config's directory) and waits until it is ready. */
    static PrometheusServer start(Path config, Path workDir) throws IOException, InterruptedException {
        String binary = System.getenv().getOrDefault("PROMETHEUS_BIN", "prometheus");
        int port = RedisServerProcess.freePort();
        Path log = workDir.resolve("prometheus.log");
        Process process;
        try {
            process = new ProcessBuilder(binary, "--config.file=" + config,
                    "--storage.tsdb.path=" + Files.createDirectories(workDir.resolve("tsdb")),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + " (apt-get install --no-install-recommends "
                    + "prometheus, as ./mcpca does; or set PROMETHEUS_BIN)", e);
        }
        PrometheusServer server = new PrometheusServer(process, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = server.log();
                server.close();
                throw new IllegalStateException("prometheus did not become ready:\n" + output);
            }
            Thread.sleep(100);
        }
        return server;
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base() + "/-/ready")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query now: the {@code data} of a successful answer; an error answer throws with its message. */
    JsonNode query(String expr) {
        return get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    }

    /** The series of an instant vector result ({@code [{metric, value: [t, "v"]}]}). */
    List<JsonNode> vector(String expr) {
        JsonNode data = query(expr);
        if (!"vector".equals(data.path("resultType").asText())) {
            throw new IllegalStateException(expr + " is not an instant vector: " + data);
        }
        return java.util.stream.StreamSupport.stream(data.path("result").spliterator(), false).toList();
    }

    /** The active targets as Prometheus sees them. */
    JsonNode targets() {
        return get("/api/v1/targets?state=active").path("activeTargets");
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = GrafanaFiles.JSON.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new IllegalArgumentException(body.path("errorType").asText() + ": "
                        + body.path("error").asText());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
