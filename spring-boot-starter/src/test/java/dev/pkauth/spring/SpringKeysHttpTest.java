package dev.pkauth.spring;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.KeysHttpContract;
import java.net.URI;
import java.util.Map;

/** The self-service key endpoints as the starter mounts them ({@code pkauth.keys-path=/keys}), behind Spring Security. */
class SpringKeysHttpTest extends KeysHttpContract {
    ContractApp.Running app;

    @Override
    protected URI start(ApiKeyStore store) {
        app = ContractApp.start(store, Map.of("pkauth.keys-path", "/keys"));
        return app.base();
    }

    @Override
    protected void stop() {
        app.close();
    }
}
