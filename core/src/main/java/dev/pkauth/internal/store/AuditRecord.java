package dev.pkauth.internal.store;

/**
 * A management action to append to the audit table in the same transaction as the change.
 *
 * @param at Unix seconds
 * @param actor who asked (a user id, {@code cli:alice}, {@code application})
 * @param action {@code create}, {@code revoke}, {@code sweep}, …
 * @param keyId the key acted on, or {@code null} for actions on many (revoke-all, sweep, purge)
 * @param userId the user whose key it is, or {@code null} to read it from the key's row
 * @param detail a JSON object with what changed, never a secret or hash; {@code null} for none
 */
public record AuditRecord(long at, String actor, String action, String keyId, String userId, String detail) {
    public AuditRecord withUserId(String user) {
        return new AuditRecord(at, actor, action, keyId, user, detail);
    }

    public AuditRecord withDetail(String json) {
        return new AuditRecord(at, actor, action, keyId, userId, json);
    }
}
