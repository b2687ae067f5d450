package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which answers of a slot owner name another node to write on (MOVED, ASK), and which node. */
class ReplicatedWritesTest {

    @Test
    void movedAndAskNameTheNodeThatTakesTheWrite() {
        assertThat(node(new RedisCommandExecutionException("MOVED 3999 127.0.0.1:6381")))
                .contains("127.0.0.1:6381");
        assertThat(node(new CompletionException(new RedisCommandExecutionException("ASK 12182 10.0.0.7:7002"))))
                .contains("10.0.0.7:7002");
        assertThat(node(new RedisCommandExecutionException("MOVED 1 ::1:7003"))).contains("::1:7003");
    }

    @Test
    void otherFailuresNameNoNode() {
        assertThat(node(new RedisCommandExecutionException("ERR wrong number of arguments"))).isEmpty();
        assertThat(node(new RedisCommandExecutionException("MOVED 3999"))).isEmpty();
        assertThat(node(new RedisCommandExecutionException("MOVED 3999 nohost"))).isEmpty();
        assertThat(node(new RedisCommandExecutionException("MOVED 3999 host:port"))).isEmpty();
        assertThat(node(new RedisException("MOVED 3999 127.0.0.1:6381"))).as("not a server's answer").isEmpty();
    }

    private static Optional<String> node(Throwable error) {
        return ReplicatedWrites.redirection(error).map(uri -> uri.getHost() + ":" + uri.getPort());
    }
}
