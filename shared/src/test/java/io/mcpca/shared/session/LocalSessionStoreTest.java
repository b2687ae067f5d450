package io.mcpca.shared.session;

import io.mcpca.shared.lock.ContentionBackoff;
import java.time.Clock;

/** The session store contract on the in-memory store. */
class LocalSessionStoreTest extends SessionStoreContract {

    @Override
    SessionStore store() {
        Clock clock = Clock.systemUTC();
        return new LocalSessionStore(clock, ContentionBackoff.standard(clock));
    }
}
