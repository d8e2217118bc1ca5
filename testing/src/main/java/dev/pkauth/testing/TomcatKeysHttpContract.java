package dev.pkauth.testing;

import dev.pkauth.ApiKeyStore;
import java.net.URI;
import org.apache.catalina.startup.Tomcat;

/** The keys endpoints' contract on embedded Tomcat ({@link TomcatServers}): a deployment says only what it mounts. */
public abstract class TomcatKeysHttpContract extends KeysHttpContract {
    private Tomcat tomcat;

    /** Mounts the keys endpoints at {@code /keys} behind pkauth, in front of {@code store}. */
    protected abstract void deploy(TomcatServers.Deployment deployment, ApiKeyStore store);

    @Override
    protected final URI start(ApiKeyStore store) throws Exception {
        tomcat = TomcatServers.start(d -> deploy(d, store));
        return TomcatServers.uri(tomcat);
    }

    @Override
    protected final void stop() throws Exception {
        TomcatServers.stop(tomcat);
    }
}
