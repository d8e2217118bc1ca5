package dev.pkauth;

import java.util.List;

/**
 * What an import did (or, dry, would do): keys imported, keys already there, keys refused and why.
 *
 * @param imported keys added
 * @param skipped keys imported before (same source and source id), left as they are
 * @param refused keys that could not be imported, each with its reason
 */
public record ImportResult(int imported, int skipped, List<Refusal> refused) {
    /**
     * Copies the refusals.
     *
     * @param imported keys added
     * @param skipped keys imported before
     * @param refused keys that could not be imported
     */
    public ImportResult {
        refused = List.copyOf(refused);
    }

    /**
     * Keys read from the source so far.
     *
     * @return imported, skipped and refused together
     */
    public int total() {
        return imported + skipped + refused.size();
    }

    /**
     * A key that could not be imported.
     *
     * @param sourceId its id in the source system
     * @param reason why, in words (never its hash)
     */
    public record Refusal(String sourceId, String reason) {}
}
