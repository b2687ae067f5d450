package io.mcpca.workers.run;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.mcpca.shared.keys.Keys;
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

    private final StatefulRedisPubSubConnection<String, String> connection;

    public CancelListener(StatefulRedisPubSubConnection<String, String> connection, Keys keys,
                          List<AnalyzerPool> pools) {
        this.connection = connection;
        String channel = keys.cancelChannel();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String requestId) {
                if (!channel.equals(from)) {
                    return;
                }
                for (AnalyzerPool pool : pools) {
                    try {
                        if (pool.cancel(requestId)) {
                            log.info("call {} cancelled", requestId);
                        }
                    } catch (RuntimeException e) {
                        log.warn("cancel of {} failed: {}", requestId, e.getMessage());
                    }
                }
            }
        });
        connection.sync().subscribe(channel);
    }

    @Override
    public void close() {
        connection.close();
    }
}
