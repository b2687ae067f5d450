package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the JSON-RPC envelope and tool arguments of {@code /mcp} over real HTTP, ingress and worker on a
 * real Redis: a seeded generator of malformed messages (wrong types, nulls, missing fields, huge and deep
 * values, wrong versions, unknown methods, batches, invalid UTF-8, truncated JSON). Every answer must be a
 * status in the spec's set (never 5xx) with a JSON-RPC body that names nothing internal, and afterwards the
 * server must answer a real call right. Issue 13 found 702 answers of 500 with stack traces in such a probe.
 * {@code -Dmcpca.fuzz.seed=N} replays a run; {@code -Dmcpca.fuzz.cases=N} changes its size.
 */
class EnvelopeFuzzIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static PipelineHarness harness;
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final Set<Integer> STATUSES = Set.of(200, 202, 400, 403, 404, 405, 413, 415);
    static final Set<Integer> SPEC_CODES = Set.of(-32700, -32600, -32601, -32602, -32603);
    /** Java internals an answer must never show: exception names, stack frames, package names. */
    static final Pattern INTERNALS = Pattern.compile("Exception|\\bat io\\.|java\\.|jakarta\\.|reactor\\.|tools\\.jackson"
            + "|com\\.fasterxml|\\bio\\.(mcpca|modelcontextprotocol)\\.");
    static final String[] TOOLS = {"ping", "calculate-metrics", "analyze-metrics", "list-symbols", "no-such-tool"};
    static final String[] METHODS = {"tools/call", "tools/list", "initialize", "ping", "notifications/initialized",
            "notifications/cancelled", "resources/list", "prompts/get", "prompts/list", "completion/complete",
            "logging/setLevel", "resources/read",
            "no/such/method", "", "rpc.discover"};

    @BeforeAll
    static void start() {
        Fixtures.copyTo(root);
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    static void assertNoInternals(String body) {
        assertThat(INTERNALS.matcher(body).find()).as("no Java internals in %s", body).isFalse();
    }

    @Test
    void everyMalformedMessageGetsAJsonRpcAnswerAndTheServerStaysHealthy() throws Exception {
        long seed = Long.getLong("mcpca.fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("mcpca.fuzz.cases", 5_000);
        Random random = new Random(seed);
        System.out.printf("EnvelopeFuzzIT: seed %d (-Dmcpca.fuzz.seed=%d replays this run)%n", seed, seed);
        McpHttp http = new McpHttp(harness.url());
        String session = http.openSession();
        Map<String, Integer> statuses = new TreeMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            if (i % 500 == 499) {
                session = http.openSession(); // a fuzzed initialize or cancel may have left the session odd
            }
            byte[] body = generate(random);
            HttpResponse<String> answer;
            try {
                answer = http.post(body, random.nextInt(20) == 0 ? null : session);
            } catch (java.io.IOException e) {
                throw new AssertionError("seed " + seed + " case " + i + ": " + preview(body) + " -> " + e, e);
            }
            String what = "seed " + seed + " case " + i + ": " + preview(body) + " -> " + answer.statusCode() + " " + answer.body();
            statuses.merge(String.valueOf(answer.statusCode()), 1, Integer::sum);
            assertThat(STATUSES).as(what).contains(answer.statusCode());
            for (JsonNode message : messages(answer)) {
                // a result is the analyzed code's own text (a fixture may well name an Exception); errors are ours
                boolean toolError = message.path("result").path("isError").asBoolean(false);
                assertNoInternals(message.has("result") && !toolError ? "" : message.toString());
                if (toolError) { // every error result says what and whether to retry, schema refusals included
                    assertThat(message.path("result").path("_meta").path("errorCode").asText()).as(what).isNotEmpty();
                    assertThat(message.path("result").path("_meta").path("retryable").isBoolean()).as(what).isTrue();
                }
                assertThat(message.path("jsonrpc").asText()).as(what).isEqualTo("2.0");
                if (message.has("error")) {
                    int code = message.path("error").path("code").asInt();
                    assertThat(SPEC_CODES.contains(code) || code <= -32000 && code >= -32099).as(what).isTrue();
                } else if (message.has("id")) {
                    assertThat(message.has("result")).as(what).isTrue();
                }
            }
        }
        System.out.printf("EnvelopeFuzzIT: %d cases, seed %d, %.1f s, statuses %s%n", cases, seed,
                (System.nanoTime() - started) / 1e9, statuses);

        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(harness.url() + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        McpSyncClient client = harness.client();
        Map<String, Object> metrics = PipelineIT.structured(client.callTool(new CallToolRequest("calculate-metrics",
                Map.of("content", "def f(a):\n    if a:\n        return 1\n    return 2\n", "language", "python", "name", "f.py"))));
        assertThat(PipelineIT.asMap(metrics.get("lines"))).containsEntry("code", 4);
    }

    /** The JSON-RPC messages of an answer: a JSON body, or the data lines of an SSE stream. */
    private static List<JsonNode> messages(HttpResponse<String> answer) throws Exception {
        List<JsonNode> messages = new ArrayList<>();
        String body = answer.body();
        if (body.isBlank()) {
            return messages;
        }
        if (answer.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    messages.add(JSON.readTree(line.substring(5).trim()));
                }
            }
        } else {
            messages.add(JSON.readTree(body));
        }
        return messages;
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "…(" + body.length + " bytes)" : text;
    }

    /** One malformed (or, now and then, valid) message. */
    static byte[] generate(Random random) throws Exception {
        int kind = random.nextInt(10);
        ObjectNode message = base(random);
        switch (kind) {
            case 0, 1, 2 -> mutateField(random, message);
            case 3, 4 -> mutateArguments(random, message);
            case 5 -> {
                mutateField(random, message);
                mutateField(random, message);
            }
            case 6 -> {
                ArrayNode batch = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    batch.add(base(random));
                }
                return JSON.writeValueAsBytes(batch);
            }
            case 7 -> {
                byte[] bytes = JSON.writeValueAsBytes(message);
                return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncated
            }
            case 8 -> {
                byte[] bytes = JSON.writeValueAsBytes(message);
                bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(128)); // invalid UTF-8 (mostly)
                return bytes;
            }
            case 9 -> {
                if (random.nextInt(10) == 0) { // nested past the parser's limit of 1,000
                    return ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":"
                            + "[".repeat(5_000) + "]".repeat(5_000) + "}}").getBytes(StandardCharsets.UTF_8);
                }
                message.remove("method");
                message.set(random.nextBoolean() ? "result" : "error", value(random, 2)); // a response
            }
            default -> throw new IllegalStateException("kind " + kind);
        }
        return JSON.writeValueAsBytes(message);
    }

    private static ObjectNode base(Random random) {
        ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0").put("id", random.nextInt(1_000_000));
        String method = METHODS[random.nextInt(METHODS.length)];
        message.put("method", method);
        ObjectNode params = message.putObject("params");
        switch (method) {
            case "tools/call" -> {
                params.put("name", TOOLS[random.nextInt(TOOLS.length)]);
                params.putObject("arguments").put("path", random.nextBoolean() ? "." : "../etc/passwd");
            }
            case "initialize" -> {
                params.put("protocolVersion", "2025-06-18");
                params.putObject("capabilities");
                params.putObject("clientInfo").put("name", "fuzz").put("version", "1");
            }
            case "notifications/cancelled" -> params.put("requestId", random.nextInt(10));
            case "prompts/get" -> params.put("name", TOOLS[random.nextInt(TOOLS.length)]).putObject("arguments")
                    .put("path", ".");
            case "completion/complete" -> {
                params.putObject("ref").put("type", "ref/prompt").put("name", TOOLS[random.nextInt(TOOLS.length)]);
                params.putObject("argument").put("name", random.nextBoolean() ? "path" : "detail").put("value", "j");
            }
            case "logging/setLevel" -> params.put("level", "info");
            default -> { }
        }
        if (method.startsWith("notifications/")) {
            message.remove("id");
        }
        return message;
    }

    private static void mutateField(Random random, ObjectNode message) {
        String[] fields = {"jsonrpc", "id", "method", "params"};
        String field = fields[random.nextInt(fields.length)];
        switch (random.nextInt(3)) {
            case 0 -> message.remove(field);
            case 1 -> message.set(field, value(random, 3));
            default -> {
                if (field.equals("jsonrpc")) {
                    String[] versions = {"1.0", "2", "3.0", "2.0 ", "", "2.00"};
                    message.put("jsonrpc", versions[random.nextInt(versions.length)]);
                } else if (message.path("params").isObject()) {
                    String[] nested = {"_meta", "name", "arguments", "ref", "argument", "level", "uri", "cursor",
                            "requestId", "reason", "protocolVersion", "capabilities", "clientInfo", "context"};
                    ((ObjectNode) message.get("params")).set(nested[random.nextInt(nested.length)], value(random, 2));
                }
            }
        }
    }

    private static void mutateArguments(Random random, ObjectNode message) {
        message.put("method", "tools/call");
        ObjectNode params = message.putObject("params");
        params.put("name", TOOLS[random.nextInt(TOOLS.length)]);
        if (random.nextInt(5) == 0) {
            params.set("arguments", value(random, 3));
            return;
        }
        ObjectNode arguments = params.putObject("arguments");
        String[] names = {"path", "content", "language", "name", "limit", "cursor", "detail", "kind", "x"};
        for (int i = random.nextInt(4); i >= 0; i--) {
            arguments.set(names[random.nextInt(names.length)], value(random, 2));
        }
    }

    /** A random JSON value: scalars of every type, strings of odd sizes, and arrays/objects up to {@code depth}. */
    static JsonNode value(Random random, int depth) {
        return switch (random.nextInt(depth > 0 ? 12 : 9)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(random.nextDouble() * 1e300);
            case 4 -> NODES.numberNode(new java.math.BigInteger(200, random));
            case 5 -> NODES.textNode("");
            case 6 -> NODES.textNode("x".repeat(random.nextInt(20) == 0 ? 2_000_000 : random.nextInt(64)));
            case 7 -> NODES.textNode(new String(new char[] {(char) random.nextInt(0xD800)}) + "\u0000\uD83D");
            case 8 -> deep(random.nextInt(3) == 0 ? 900 : 50);
            case 9 -> NODES.arrayNode().add(value(random, depth - 1)).add(value(random, depth - 1));
            default -> {
                ObjectNode object = NODES.objectNode();
                object.set("k" + random.nextInt(3), value(random, depth - 1));
                yield object;
            }
        };
    }

    /** Arrays nested {@code depth} deep (Jackson writes at most 1,000; deeper ones are written as text). */
    private static JsonNode deep(int depth) {
        JsonNode node = NODES.arrayNode();
        for (int i = 0; i < depth; i++) {
            node = NODES.arrayNode().add(node);
        }
        return node;
    }
}
