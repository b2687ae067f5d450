package io.mcpca.workers.run;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.ChannelSubscription;
import io.mcpca.shared.batch.BatchItemId;
import io.mcpca.workers.batch.BatchGate;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@code mcpca:events:cancel} (the ingress publishes a request id when the client sends
 * {@code notifications/cancelled} or the call's deadline passes) and cancels that request in this
 * worker's analyzer pools: the process running it is killed and the call ends cancelled; a call not
 * started yet ends cancelled when it starts. Every worker hears every cancel; only the one holding the
 * call has something to kill. Lettuce re-subscribes after a reconnect.
 */
public final class CancelListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CancelListener.class);

    private final ChannelSubscription subscription;

    public CancelListener(StatefulRedisPubSubConnection<String, String> connection, Keys keys,
                          List<AnalyzerPool> pools) {
        this(connection, keys, pools, Optional.empty());
    }

    /**
     * @param batches told of a cancelled batch ({@code batch:<bid>} on the channel): its queued items stop starting
     *                here, and its running items are cancelled like single calls
     */
    public CancelListener(StatefulRedisPubSubConnection<String, String> connection, Keys keys,
                          List<AnalyzerPool> pools, Optional<BatchGate> batches) {
        this.subscription = ChannelSubscription.subscribe(connection, keys.cancelChannel(), requestId -> {
            Optional<String> batch = BatchItemId.cancelledBatch(requestId);
            if (batch.isPresent()) {
                batches.ifPresent(gate -> gate.cancelled(batch.get()));
                String items = batch.get() + ":";
                for (AnalyzerPool pool : pools) {
                    pool.runningCalls().stream().filter(id -> id.startsWith(items)).forEach(pool::cancel);
                }
                log.info("batch {} cancelled", batch.get());
                return;
            }
            for (AnalyzerPool pool : pools) {
                if (pool.cancel(requestId)) {
                    log.info("call {} cancelled", requestId);
                }
            }
        });
    }

    @Override
    public void close() {
        subscription.close();
    }
}
