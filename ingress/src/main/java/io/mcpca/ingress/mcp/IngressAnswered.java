package io.mcpca.ingress.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.wire.ErrorCode;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A tool the ingress answers itself from Redis (batches, insights, sessions): its answer is computed on a
 * bounded-elastic thread (it waits on Redis) for the calling principal, written as JSON, and every refusal becomes
 * an error result with its code like any tool's; anything unexpected is UNAVAILABLE, logged, never a stack trace.
 */
public final class IngressAnswered {

    private static final Logger log = LoggerFactory.getLogger(IngressAnswered.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private IngressAnswered() {
    }

    /** One call's work: the answer (a JSON string is passed on as is, anything else is written as JSON). */
    @FunctionalInterface
    public interface Answer {
        Object answer(String tool, String principal, Map<String, Object> arguments, McpAsyncServerExchange exchange,
                      CallToolRequest call) throws InterruptedException, JsonProcessingException;
    }

    /** A call refused with a code the caller can act on (bad arguments, a limit, not found, a conflict). */
    public static class Refused extends RuntimeException {
        private final ErrorCode code;

        public Refused(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    /** The handler of {@code tool}, answered by {@code answer}. */
    public static ToolHandler handler(String tool, Answer answer) {
        return (exchange, call) -> Mono.fromCallable(() -> answer(tool, answer, exchange, call))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static CallToolResult answer(String tool, Answer answer, McpAsyncServerExchange exchange,
                                         CallToolRequest call) {
        Map<String, Object> args = call.arguments() == null ? Map.of() : call.arguments();
        try {
            Object out = answer.answer(tool, ToolCallHandler.principalOf(exchange), args, exchange, call);
            return ToolCallHandler.json(out instanceof String s ? s : JSON.writeValueAsString(out));
        } catch (Refused e) {
            return ToolCallHandler.error(e.code(), e.getMessage());
        } catch (PathRejectedException e) {
            return ToolCallHandler.error(e.code(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolCallHandler.error(ErrorCode.UNAVAILABLE, tool + " was interrupted (the server is stopping)");
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("{} failed: {}", tool, e.toString());
            return ToolCallHandler.error(ErrorCode.UNAVAILABLE, tool + " failed: " + e.getMessage());
        }
    }
}
