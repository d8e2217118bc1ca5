package dev.pkauth.internal.engine;

import dev.pkauth.AuditEvent;
import dev.pkauth.AuditListener;
import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.AuditReads;
import dev.pkauth.internal.text.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: the record each change commits with (its detail written one way, by {@link
 * #detail}), the listener told after the commit, and reading the log back.
 */
public final class Audits {
    private static final Logger log = LoggerFactory.getLogger(StoreOptions.LOGGER);

    private final AuditReads repository;
    private final Clock clock;
    private final @Nullable AuditListener listener;

    Audits(AuditReads repository, Clock clock, @Nullable AuditListener listener) {
        this.repository = repository;
        this.clock = clock;
        this.listener = listener;
    }

    /** Now, in Unix seconds, on the store's clock. */
    long now() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    /** The record of a change {@code actor} is about to make, stamped now. */
    AuditRecord record(Actor actor, String action, @Nullable String keyId, @Nullable String userId, @Nullable String detail) {
        return new AuditRecord(now(), actor.name(), action, keyId, userId, detail);
    }

    /**
     * A detail object from name/value pairs, in order: strings quoted, numbers as they are,
     * {@code null} as null ({@code detail("revoked", 3)} is {@code {"revoked":3}}).
     */
    static String detail(@Nullable Object... pairs) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put(String.valueOf(pairs[i]), pairs[i + 1]);
        return Json.write(map);
    }

    /** Tells the listener of a committed change, with {@code detail} when given; its failure never undoes the change. */
    void announce(AuditRecord a, @Nullable String detail) {
        if (listener == null) return;
        try {
            listener.onEvent(new AuditEvent(null, Instant.ofEpochSecond(a.at()), a.actor(), a.action(), a.keyId(),
                    a.userId(), detail != null ? detail : a.detail()));
        } catch (RuntimeException e) {
            log.warn("pkauth: the audit listener failed on {} (the change stands): {}", a.action(), e.toString());
        }
    }

    /** The log, newest first, as {@link dev.pkauth.KeyOperations#auditLog} describes it. */
    public List<AuditEvent> read(@Nullable String keyId, @Nullable String userId, @Nullable Instant since, int limit,
            @Nullable Long beforeId) {
        Views.checkPageSize(limit, "limit");
        return repository.audit(keyId, userId, since == null ? null : since.getEpochSecond(), limit, beforeId);
    }
}
