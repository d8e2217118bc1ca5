package dev.pkauth;

/**
 * Hears of every management action once it is committed, for a host's own audit pipeline
 * (a SIEM, a webhook). Called on the thread that made the change; keep it quick, and do not
 * throw: a listener's exception is logged and does not undo the change.
 *
 * <pre>{@code
 * ApiKeyStore store = ApiKeyStore.builder()...
 *         .auditListener(e -> log.info("{} {} {} by {}", e.action(), e.keyId(), e.detail(), e.actor()))
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface AuditListener {
    void onEvent(AuditEvent event);
}
