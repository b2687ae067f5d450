package io.mcpca.ingress.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mcpca.shared.codec.JacksonCodec;
import io.mcpca.shared.codec.StreamEntries;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.redis.ReplicaWait;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link SubmitGate#submitAsync} on a real Redis: the call lands on its session's partition; a backlog past the
 * limit refuses it (OVERLOADED) before anything is appended; a Redis that is gone refuses calls (UNAVAILABLE),
 * at once once the breaker is open.
 */
class SubmitGateIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int PARTITIONS = 4;

    Keys keys;
    RedisConnections connections;
    RedisConnection<byte[], byte[]> connection;
    RequestSubmitter submitter;

    @BeforeEach
    void connect() {
        keys = new Keys(REDIS.newPrefix());
        connections = new RedisConnections(REDIS.uri());
        connection = connections.bytes();
        submitter = new RequestSubmitter(connection, new StreamEntries(JacksonCodec.messagePack()), keys, PARTITIONS,
                10_000, ReplicaWait.NONE);
    }

    @AfterEach
    void close() {
        connection.close();
        connections.close();
    }

    @Test
    void anAcceptedCallIsOnItsSessionsPartitionWhenTheStageCompletes() throws Exception {
        SubmitGate gate = new SubmitGate(submitter, pool -> 0, 10, Duration.ofSeconds(1));
        ToolRequest request = request("session-a");

        String id = gate.submitAsync("fast", request).toCompletableFuture().get(10, TimeUnit.SECONDS);

        String stream = keys.requestStream("fast", Keys.partitionOf("session-a", PARTITIONS));
        assertThat(REDIS.sync().xrange(stream, io.lettuce.core.Range.create("-", "+")))
                .singleElement().satisfies(entry -> assertThat(entry.getId()).isEqualTo(id));
    }

    @Test
    void aBacklogPastTheLimitRefusesTheCallBeforeAnythingIsAppended() {
        SubmitGate gate = new SubmitGate(submitter, pool -> 11, 10, Duration.ofSeconds(1));

        Throwable refused = catchThrowable(() -> gate.submitAsync("fast", request("session-b")).toCompletableFuture()
                .join());

        assertThat(refused).isInstanceOf(CompletionException.class).cause().isInstanceOf(SubmitRefusedException.class);
        assertThat(((SubmitRefusedException) refused.getCause()).code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(REDIS.sync().exists(keys.requestStream("fast", Keys.partitionOf("session-b", PARTITIONS))))
                .isZero();
    }

    @Test
    void withRedisGoneCallsAreRefusedAsUnavailableAndTheBreakerOpens() {
        SubmitGate gate = new SubmitGate(submitter, pool -> 0, 0, Duration.ofMinutes(1));
        REDIS.kill();
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(refusal(gate)).extracting(SubmitRefusedException::code).isEqualTo(ErrorCode.UNAVAILABLE);
            }
            SubmitRefusedException open = refusal(gate);
            assertThat(open.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(open.getMessage()).contains("refused for now");
            assertThat(open.retryAfter()).contains(Duration.ofMinutes(1));
        } finally {
            REDIS.restart();
        }
    }

    private static SubmitRefusedException refusal(SubmitGate gate) {
        Throwable e = catchThrowable(() -> gate.submitAsync("fast", request("s")).toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
        assertThat(e).as("a refusal").isNotNull();
        assertThat(e.getCause()).isInstanceOf(SubmitRefusedException.class);
        return (SubmitRefusedException) e.getCause();
    }

    private static ToolRequest request(String session) {
        return new ToolRequest(ToolRequest.VERSION, UUID.randomUUID().toString(), session, "ping", Map.of(),
                "replies", System.currentTimeMillis() + 60_000);
    }
}
