package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.time.Instant;

/**
 * One management action, as the audit table keeps it. Never holds a secret or hash.
 *
 * @param id the row's id, increasing; {@code null} in what an {@link AuditListener} receives
 * @param at when it happened
 * @param actor who asked: what the caller gave ({@link ApiKeyStore#withActor}), {@code application} by default
 * @param action {@code create}, {@code rotate}, {@code refresh}, {@code limits}, {@code disable},
 *     {@code enable}, {@code metadata}, {@code allowed-ips}, {@code revoke}, {@code revoke-all},
 *     {@code purge}, {@code sweep}
 * @param keyId the key acted on, or {@code null} for actions on many keys
 * @param userId the user whose key it is, or {@code null}
 * @param detail a JSON object saying what changed ({@code {"revoked":3}}), or {@code null}
 */
public record AuditEvent(@Nullable Long id, Instant at, String actor, String action, @Nullable String keyId, @Nullable String userId,
        @Nullable String detail) {}
