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
    /**
     * Called once per committed management action, on the thread that made it; an exception is logged and the change stands.
     *
     * @param event what was done
     */
    void onEvent(AuditEvent event);
}
