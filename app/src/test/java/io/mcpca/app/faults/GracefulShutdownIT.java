package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.app.faults.FaultIngress.Call;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.wire.ReplyKind;
import io.mcpca.shared.wire.ToolReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM one of two worker JVMs under load: it stops reading, finishes or hands back what it holds,
 * leaves the registry and exits; every call is answered.
 */
class GracefulShutdownIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    Path dir;

    @Test
    void aWorkerStoppedUnderLoadLosesNothing() throws Exception {
        String prefix = REDIS.newPrefix();
        String[] settings = {"--mcpca.worker.concurrency=4", "--mcpca.worker.min-idle=2s",
                "--mcpca.worker.reclaim-period=300ms", "--mcpca.worker.shutdown-grace=10s"};
        try (FaultIngress ingress = new FaultIngress(REDIS.uri(), prefix);
             WorkerJvm stopping = WorkerJvm.start(dir, "stopping", REDIS.uri(), prefix, dir, settings);
             WorkerJvm staying = WorkerJvm.start(dir, "staying", REDIS.uri(), prefix, dir, settings)) {
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> ingress.workerRegistered(stopping) && ingress.workerRegistered(staying));
            List<Call> calls = new ArrayList<>();
            // 100 ms each: 300 of them keep both workers' 8 call threads busy for ~4 s, past the submission (at 20 ms
            // the workers kept pace with the XADDs on a loaded box and nothing was pending when it looked: 1 run in 3)
            for (int i = 0; i < 300; i++) {
                calls.add(ingress.ping("graceful-" + (i % 40), 100));
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> ingress.pendingByConsumer().entrySet().stream()
                    .anyMatch(e -> stopping.owns(e.getKey()) && e.getValue() > 0));
            stopping.signal("TERM");
            assertThat(stopping.waitFor(30)).as("the worker exits after SIGTERM").isTrue();
            assertThat(ingress.workerRegistered(stopping)).as("left the registry").isFalse();
            assertThat(stopping.log()).contains("stopped");

            for (Call call : calls) {
                ToolReply reply = call.answer().get(60, TimeUnit.SECONDS);
                assertThat(reply.kind()).as(reply.errorMessage()).isEqualTo(ReplyKind.RESULT);
            }
            ingress.awaitNothingPending();
        }
    }
}
