package dev.pkauth.http;

/**
 * Told of each leaked key a scanner reported, once per key: the host tells the key's owner (by
 * email, in its dashboard). pkauth has already revoked the key when {@link LeakReport#revoked()}
 * says so. Called on the request's thread; a listener that throws does not undo anything.
 */
@dev.pkauth.Beta
@FunctionalInterface
public interface LeakListener {
    /**
     * A live key was reported.
     *
     * @param report what was reported and done
     */
    void onLeak(LeakReport report);
}
