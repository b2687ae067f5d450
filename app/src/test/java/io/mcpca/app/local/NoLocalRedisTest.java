package io.mcpca.app.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import io.mcpca.shared.wire.ToolRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without redis-server the fallback answers at once, retryable, saying what is missing (never a hang). */
class NoLocalRedisTest {

    @Test
    void aCallThatWouldFallBackIsAnsweredUnavailableNamingRedisServer() {
        ToolRequest request = new ToolRequest(ToolRequest.VERSION, "r1", "s1", "ping",
                Map.of(), "reply", Long.MAX_VALUE);
        ToolReply reply = new NoLocalRedis("the local fallback needs redis-server on the PATH, which is not installed")
                .run(request, progress -> { });
        assertThat(reply.kind()).isEqualTo(ReplyKind.ERROR);
        assertThat(reply.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE.name());
        assertThat(reply.errorMessage()).contains("redis-server on the PATH");
        assertThat(reply.requestId()).isEqualTo("r1");
    }
}
