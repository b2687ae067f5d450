package io.mcpca.workers.run;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.ChannelSubscription;
import java.util.List;
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
        this.subscription = ChannelSubscription.subscribe(connection, keys.cancelChannel(), requestId -> {
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
