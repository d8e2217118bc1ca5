package dev.pkauth.internal.store;

import java.util.Map;

/**
 * Where uses of keys are recorded ({@code last_used_at}, {@code last_used_ip}), in batches, off the request thread.
 * The port of the touch writer; implementations throw {@link dev.pkauth.StoreUnavailableException}
 * when they cannot answer, never turning a failure into "not found".
 */
public interface UseLog {
    /** Writes {@code last_used_at} and {@code last_used_ip} for unrevoked keys, never moving them backwards. */
    void touch(Map<String, Touch> lastUsedById);
}
