package dev.pkauth.internal.engine;

import dev.pkauth.ImportResult;
import dev.pkauth.ImportedKey;
import dev.pkauth.KeySpec;
import dev.pkauth.UsageLimits;
import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.KeyImports;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.text.Validation;
import dev.pkauth.internal.token.ForeignHash;
import dev.pkauth.internal.token.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Copies keys of another system into the table with their hashes as stored there, once per
 * source row: a second run changes nothing, a later run adds only the keys made since. Each key
 * is checked as a new key is (owner, name, scopes, metadata, limits) and its hash must be a form
 * {@link ForeignHash} verifies, within its cost bounds; a key that fails is refused with its
 * reason and the rest go on.
 */
final class Imports {
    /** How often progress is reported, in keys read. */
    static final int PROGRESS_EVERY = 500;
    private static final Pattern SOURCE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private final KeyImports repository;
    private final KeyVerifier verifier;
    private final Audits audits;

    Imports(KeyImports repository, KeyVerifier verifier, Audits audits) {
        this.repository = repository;
        this.verifier = verifier;
        this.audits = audits;
    }

    ImportResult run(Actor actor, String source, Iterable<ImportedKey> keys, boolean dryRun,
            @Nullable Consumer<ImportResult> progress) {
        if (!SOURCE.matcher(source).matches()) {
            throw new IllegalArgumentException("an import source is 1 to 32 characters of [a-z0-9-], starting with a letter: "
                    + Validation.printable(source));
        }
        int imported = 0;
        int skipped = 0;
        List<ImportResult.Refusal> refused = new ArrayList<>();
        int read = 0;
        for (ImportedKey key : keys) {
            String ref = source + ":" + key.sourceId();
            try {
                Prepared p = prepare(actor, source, key);
                boolean added;
                if (dryRun) added = !repository.imported(ref);
                else added = repository.insertImported(p.row, p.tagged, ref, p.lookupHash, p.audit);
                if (added) {
                    imported++;
                    if (!p.tagged && !dryRun) verifier.untaggedKeysAdded();
                    if (!dryRun) audits.announce(p.audit, null);
                } else {
                    skipped++;
                }
            } catch (IllegalArgumentException e) {
                refused.add(new ImportResult.Refusal(key.sourceId(), String.valueOf(e.getMessage())));
            }
            if (++read % PROGRESS_EVERY == 0 && progress != null) progress.accept(new ImportResult(imported, skipped, refused));
        }
        return new ImportResult(imported, skipped, refused);
    }

    private record Prepared(KeyRecord row, boolean tagged, @Nullable String lookupHash, AuditRecord audit) {}

    private Prepared prepare(Actor actor, String source, ImportedKey key) {
        if (key.sourceId().isBlank() || key.sourceId().length() > 200) {
            throw new IllegalArgumentException("the source id must be 1 to 200 characters");
        }
        String user = Validation.userId(key.userId());
        KeySpec spec = key.spec();
        String name = Validation.name(spec.name());
        List<String> scopes = Validation.scopes(spec.scopes());
        ForeignHash hash;
        try {
            hash = ForeignHash.parseAny(key.secretHash());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secret_hash: " + e.getMessage());
        }
        if (hash == null) {
            throw new IllegalArgumentException("secret_hash is in no form pkauth verifies (Argon2 PHC, bcrypt, or SHA-256 as "
                    + "64 hex characters or base64)");
        }
        String keyId = key.keyId();
        if (keyId != null && !Tokens.isWellFormedId(keyId)) {
            throw new IllegalArgumentException("key id is not of the form key_ and 32 base64url characters");
        }
        if (keyId == null && hash.slow()) {
            throw new IllegalArgumentException("an " + hash.scheme() + " hash can only verify tokens that carry their key id "
                    + "(pkauth's or Pylon's shape): a token without one is found by its SHA-256");
        }
        long now = audits.now();
        long created = key.createdAt() == null ? now : key.createdAt().getEpochSecond();
        Long expires = spec.expiresAt() == null ? null : spec.expiresAt().getEpochSecond();
        UsageLimits limits = spec.limits() == null ? UsageLimits.NONE : spec.limits();
        boolean tagged = keyId == null;
        String id = keyId != null ? keyId : verifier.mint().id();
        String prefix = key.displayPrefix() != null ? Validation.name(key.displayPrefix())
                : keyId != null ? Tokens.prefixOfId(keyId) : "";
        String lookup = keyId == null && hash instanceof ForeignHash.Sha256 s ? s.hex() : null;
        // Unknown last use counts as the import: a sweep must not revoke a key in use elsewhere before it is used here.
        long lastUsed = key.lastUsedAt() == null ? now : key.lastUsedAt().getEpochSecond();
        KeyRecord row = new KeyRecord(id, user, name, prefix, key.secretHash(), scopes, expires, lastUsed, created, null, null,
                limits, limits.refill() == null ? null : now,
                new KeyRecord.Ops(key.enabled() ? null : now, null, spec.metadata(),
                        spec.allowedIps() == null ? null : spec.allowedIps().toString(), null, "import:" + source, null),
                null);
        AuditRecord audit = audits.record(actor, "import", id, user,
                Audits.detail("source", source, "source_id", key.sourceId(), "scheme", hash.scheme()));
        return new Prepared(row, tagged, lookup, audit);
    }
}
