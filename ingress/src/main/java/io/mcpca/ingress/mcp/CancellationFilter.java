package io.mcpca.ingress.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * MCP cancellation over Streamable HTTP. The MCP Java SDK 2.1.0 neither handles
 * {@code notifications/cancelled} (it logs "No handler registered") nor tells a tool handler the
 * JSON-RPC id of its call, so this filter does both, on the POST bodies before the SDK sees them:
 * 1. for a {@code tools/call} request it records the JSON-RPC id in a request attribute, which the
 * transport's context extractor copies into the call's {@code McpTransportContext}
 * ({@link #JSONRPC_ID_ATTRIBUTE}); 2. a {@code notifications/cancelled} is answered 202 here and cancels
 * the call with that id on the same MCP session ({@link InFlightCalls}). Bodies past the size limit are
 * left to the transport, which refuses them.
 */
public final class CancellationFilter extends OncePerRequestFilter {

    public static final String JSONRPC_ID_ATTRIBUTE = "mcpca.jsonRpcId";
    static final String SESSION_HEADER = "Mcp-Session-Id";

    private final ObjectMapper json = new ObjectMapper();
    private final InFlightCalls calls;
    private final int maxBodyBytes;

    public CancellationFilter(InFlightCalls calls, int maxBodyBytes) {
        this.calls = calls;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod()) || request.getContentLengthLong() > maxBodyBytes) {
            chain.doFilter(request, response);
            return;
        }
        Object checked = request.getAttribute(JsonRpcEnvelopeFilter.MESSAGE_ATTRIBUTE);
        byte[] body = checked instanceof JsonNode ? null : request.getInputStream().readNBytes(maxBodyBytes + 1);
        JsonNode message = checked instanceof JsonNode node ? node : parse(body);
        String method = message.path("method").asText("");
        if ("notifications/cancelled".equals(method)) {
            String session = request.getHeader(SESSION_HEADER);
            JsonNode id = message.path("params").path("requestId");
            if (session != null && !id.isMissingNode()) {
                calls.cancel(session, id.isNumber() ? (Object) id.numberValue().longValue() : id.asText());
            }
            response.setStatus(HttpServletResponse.SC_ACCEPTED);
            return;
        }
        if ("tools/call".equals(method) && message.has("id")) {
            JsonNode id = message.get("id");
            request.setAttribute(JSONRPC_ID_ATTRIBUTE, id.isNumber() ? (Object) id.numberValue().longValue() : id.asText());
        }
        // the envelope filter, when it ran, already put the body back
        chain.doFilter(body == null ? request : new ReplayedRequest(request, body), response);
    }

    private JsonNode parse(byte[] body) {
        try {
            return body.length > maxBodyBytes ? json.missingNode() : json.readTree(body);
        } catch (IOException e) {
            return json.missingNode(); // the transport answers the parse error
        }
    }
}
