package io.mcpca.ingress.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The stdio input as the SDK sees it: tool calls carry their JSON-RPC id in {@code _meta}, a cancel reaches
 * the call registered under the session and id and is not passed on, everything else passes byte for byte.
 */
class StdioCancellationFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final InFlightCalls calls = new InFlightCalls();
    private final AtomicInteger ends = new AtomicInteger();

    @Test
    void aToolCallCarriesItsJsonRpcIdInMetaAndKeepsItsArgumentsExactly() throws IOException {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\","
                + "\"arguments\":{\"big\":123456789012345678901234567890,\"x\":0.10000000000000000001},"
                + "\"_meta\":{\"progressToken\":\"p\"}}}\n";
        List<JsonNode> seen = lines(call + "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"ping\"}}\n");

        assertThat(seen).hasSize(2);
        JsonNode first = seen.get(0).path("params");
        assertThat(first.path("_meta").path(StdioCancellationFilter.JSONRPC_ID_META).asLong()).isEqualTo(7);
        assertThat(first.path("_meta").path("progressToken").asText()).isEqualTo("p");
        assertThat(first.path("arguments").path("big").bigIntegerValue().toString())
                .isEqualTo("123456789012345678901234567890");
        assertThat(first.path("arguments").path("x").decimalValue().toPlainString()).isEqualTo("0.10000000000000000001");
        assertThat(seen.get(1).path("params").path("_meta").path(StdioCancellationFilter.JSONRPC_ID_META).asText())
                .isEqualTo("a");
    }

    @Test
    void aCancelReachesTheCallOfItsSessionAndIsNotPassedOn() throws IOException {
        List<String> cancelled = new ArrayList<>();
        calls.register("session-1", 7L, () -> cancelled.add("7"));
        calls.register("session-1", "7", () -> cancelled.add("\"7\""));
        calls.register("session-2", 8L, () -> cancelled.add("other session"));

        String input = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7}}\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":8}}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\n";
        List<JsonNode> seen = lines(input);

        assertThat(cancelled).containsExactly("7");
        assertThat(calls.size()).isEqualTo(2);
        assertThat(seen).extracting(n -> n.path("method").asText()).containsExactly("ping");
    }

    @Test
    void otherLinesPassByteForByteAndTheEndIsReportedOnce() throws IOException {
        String input = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\"}\r\n"
                + "not json at all, about \"tools/call\"\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        InputStream filtered = filter(input);

        assertThat(new String(filtered.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(input);
        assertThat(filtered.read()).isEqualTo(-1);
        assertThat(ends.get()).isEqualTo(1);
    }

    private List<JsonNode> lines(String input) throws IOException {
        String out = new String(filter(input).readAllBytes(), StandardCharsets.UTF_8);
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        assertThat(out).endsWith("\n");
        return nodes;
    }

    private InputStream filter(String input) {
        return new StdioCancellationFilter(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), calls,
                () -> Optional.of("session-1"), ends::incrementAndGet);
    }
}
