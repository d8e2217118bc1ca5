package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

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
public record AuditRecord(long at, String actor, String action, @Nullable String keyId, @Nullable String userId,
        @Nullable String detail) {
    public AuditRecord withUserId(@Nullable String user) {
        return new AuditRecord(at, actor, action, keyId, user, detail);
    }

    public AuditRecord withDetail(String json) {
        return new AuditRecord(at, actor, action, keyId, userId, json);
    }

    /**
     * One record per key of {@code ids} that a change reached beyond the one this names, each
     * with {@code detail}: so every key's own history shows what happened to it (a cascade, a
     * sweep, a purge), not only the key or user the operator named.
     */
    public java.util.List<AuditRecord> each(java.util.List<String> ids, @Nullable String detail) {
        java.util.List<AuditRecord> out = new java.util.ArrayList<>(ids.size());
        for (String id : ids) {
            if (!id.equals(keyId)) out.add(new AuditRecord(at, actor, action, id, null, detail));
        }
        return out;
    }

    /**
     * A change that reached {@code ids}: this record with {@code summary} as its detail, then
     * {@link #each one per other key} with {@code detail}, in the order they are appended.
     */
    public java.util.List<AuditRecord> cascade(String summary, java.util.List<String> ids, @Nullable String detail) {
        java.util.List<AuditRecord> out = new java.util.ArrayList<>(ids.size() + 1);
        // A detail the caller gave (a revoke's note) stays, the summary joined to it.
        String own = detail();
        out.add(withDetail(own == null || !own.startsWith("{") || !summary.startsWith("{") ? summary
                : own.substring(0, own.length() - 1) + "," + summary.substring(1)));
        out.addAll(each(ids, detail));
        return out;
    }

    /** The same change recorded on {@code successor}, the key that took this one's place. */
    public AuditRecord onSuccessor(String successor) {
        return new AuditRecord(at, actor, action, successor, userId, "{\"predecessor\":\"" + keyId + "\"}");
    }

    /** {@code {"via":"<this key>"}}: the detail of a key a cascade from this one reached. */
    public String via() {
        return "{\"via\":\"" + keyId + "\"}";
    }
}
