package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * Reading the audit log back; records are written with the change they describe.
 * The port of the audit log; implementations throw {@link dev.pkauth.StoreUnavailableException}
 * when they cannot answer, never turning a failure into "not found".
 */
public interface AuditReads {
    /** Audit rows, newest first, matching what is given ({@code null}: any), after the row {@code beforeId}. */
    List<dev.pkauth.AuditEvent> audit(@Nullable String keyId, @Nullable String userId, @Nullable Long since, int limit,
            @Nullable Long beforeId);
}
