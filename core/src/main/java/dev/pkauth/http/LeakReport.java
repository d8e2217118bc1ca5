package dev.pkauth.http;

import dev.pkauth.ApiKey;
import org.jspecify.annotations.Nullable;

/**
 * A live key found in public by a scanner. Carries the key's metadata, never its token.
 *
 * @param key the key as it was when reported
 * @param reporter who reported it: {@code github-secret-scanning} or {@code gitlab-secret-detection}
 * @param url where it was found, as the reporter said, or {@code null}
 * @param source the kind of place ({@code content}, {@code commit}, {@code npm}…), or {@code null}
 * @param revoked whether pkauth revoked it (policy {@code revoke}); false under {@code notify}
 */
@dev.pkauth.Beta
public record LeakReport(ApiKey key, String reporter, @Nullable String url, @Nullable String source, boolean revoked) {}
