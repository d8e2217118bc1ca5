package dev.pkauth.internal;

/**
 * A key row prepared for verification: its hash decoded once, and its public metadata and
 * principal built once, so a cached verification allocates almost nothing.
 *
 * @param row the stored row
 * @param hash the raw 32-byte HMAC, or {@code null} when the stored value is unreadable
 * @param metadata what a successful verification returns
 * @param principal what a request authenticated with this key carries
 */
public record KeyEntry(KeyRecord row, byte[] hash, dev.pkauth.ApiKey metadata, dev.pkauth.ApiKeyPrincipal principal) {
    @Override
    public String toString() {
        return "KeyEntry[" + row + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyEntry e && e.row.equals(row);
    }

    @Override
    public int hashCode() {
        return row.hashCode();
    }
}
