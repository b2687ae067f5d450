package io.mcpca.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium, driven over its DevTools protocol (a WebSocket, with the JDK's own client: no browser
 * driver and no library to keep in step with the browser). {@link #load} opens a page in a new tab and reports
 * what a person would see go wrong in the console: uncaught exceptions, {@code console.error}, the browser's own
 * error entries (a blocked or failed load, a Content-Security-Policy violation), and every request the page made
 * beyond itself. Started with the flags that work on these machines (no sandbox as root, no background networking:
 * see the machine notes) and a fresh profile.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    /** A cold start of Chromium on a loaded 2-core machine takes seconds; a minute is far past that. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

    /** What loading a page showed. */
    record Loaded(List<String> consoleErrors, List<String> requests, JsonNode value) {
    }

    /**
     * Skips the calling test only on a machine that cannot install Chromium (not root, or no apt-get): where it can,
     * {@code ./mcpca test} installs it (the launcher's missing_packages), so its absence there is a failure.
     */
    static void assumeInstalled() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        boolean canInstall = "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (canInstall) {
            Assertions.fail(BINARY + " is missing: ./mcpca test installs it (apt-get install -y chromium)");
        }
        Assumptions.abort("headless Chromium is not installed (" + BINARY + ") and this machine cannot install it "
                + "(not root, or no apt-get): install Debian's chromium to run this test");
    }

    static HeadlessChromium start(Path workDir) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(workDir.resolve("chromium-profile"));
        Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(workDir.resolve("chromium.log").toFile()).start();
        try {
            // Chromium writes its port and the browser's WebSocket path here once it listens
            Path activePort = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("Chromium did not open its DevTools port; its log: "
                            + Files.readString(workDir.resolve("chromium.log")));
                }
                Thread.sleep(100);
                lines = Files.exists(activePort) ? Files.readAllLines(activePort) : List.of();
            }
            return new HeadlessChromium(process, URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    private HeadlessChromium(Process process, URI browser) {
        this.process = process;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(browser, new Listener())
                .orTimeout(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /**
     * Opens {@code page} in a new tab, waits for its load event, and evaluates {@code expression} in it (DevTools
     * evaluation is not bound by the page's Content-Security-Policy).
     */
    Loaded load(Path page, String expression) throws InterruptedException {
        events.clear();
        String target = command(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
        String session = command(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .path("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            command(session, domain + ".enable", Map.of());
        }
        String url = page.toUri().toString();
        command(session, "Page.navigate", Map.of("url", url));
        List<String> errors = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        boolean loaded = false;
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (!loaded) {
            JsonNode event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new IllegalStateException("no load event for " + url + " in " + COMMAND_TIMEOUT);
            }
            loaded = record(event, session, url, errors, requests);
        }
        // anything the page still does once loaded (a timer, a late resource) reports before this evaluation answers
        JsonNode value = command(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true)).path("result").path("value");
        for (JsonNode event = events.poll(); event != null; event = events.poll()) {
            record(event, session, url, errors, requests);
        }
        command(null, "Target.closeTarget", Map.of("targetId", target));
        return new Loaded(errors, requests, value);
    }

    /** Notes an event of {@code session}; true for its page's load event. */
    private static boolean record(JsonNode event, String session, String url, List<String> errors, List<String> requests) {
        if (!session.equals(event.path("sessionId").asText())) {
            return false;
        }
        JsonNode params = event.path("params");
        switch (event.path("method").asText()) {
            case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails").path("exception")
                    .path("description").asText(params.path("exceptionDetails").path("text").asText()));
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (type.equals("error") || type.equals("assert")) {
                    errors.add("console." + type + ": " + params.path("args"));
                }
            }
            case "Log.entryAdded" -> {
                if (params.path("entry").path("level").asText().equals("error")) {
                    errors.add("log: " + params.path("entry").path("text").asText());
                }
            }
            case "Network.requestWillBeSent" -> {
                String requested = params.path("request").path("url").asText();
                if (!requested.equals(url) && !requested.startsWith("data:")) {
                    requests.add(requested);
                }
            }
            case "Page.loadEventFired" -> {
                return true;
            }
            default -> {
                // other events say nothing about errors
            }
        }
        return false;
    }

    private JsonNode command(String session, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(message.toString(), true).join();
        JsonNode response = answer.orTimeout(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        if (response.has("error")) {
            throw new IllegalStateException(method + " failed: " + response.get("error"));
        }
        return response.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    } else {
                        events.add(message);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("DevTools sent what is not JSON", e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).join();
        } catch (RuntimeException ignored) {
            // the browser is stopped below either way
        }
        stop(process);
    }

    private static void stop(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        all.forEach(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> {
            p.destroyForcibly();
            return p;
        }).join());
    }
}
