package io.mcpca.ingress.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonRpcEnvelopeFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Optional<Integer> codeOf(String message) throws Exception {
        return JsonRpcEnvelopeFilter.check(JSON.readTree(message)).map(JsonRpcEnvelopeFilter.Refusal::code);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{},"
                    + "\"_meta\":{\"progressToken\":7}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3}}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"no/such/method\",\"params\":{}}",
    })
    void wellFormedMessagesPass(String message) throws Exception {
        assertThat(codeOf(message)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-32600|[]",
            "-32600|7",
            "-32600|{\"jsonrpc\":\"2.0 \",\"id\":1,\"method\":\"ping\"}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}",
            "-32600|{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}",
            "-32600|{\"jsonrpc\":\"2.0\",\"result\":{}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":7}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":1}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"_meta\":[]}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"_meta\":{\"progressToken\":{}}}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":{}}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}",
            "-32602|{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":[1]}}",
    })
    void malformedMessagesGetTheCodeTheSpecNames(int code, String message) throws Exception {
        assertThat(codeOf(message)).contains(code);
    }
}
