package dev.pkauth.internal.engine;

import dev.pkauth.AuditListener;
import dev.pkauth.KeyPolicy;
import dev.pkauth.Settings;
import dev.pkauth.UsageLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What a builder was given explicitly, each value checked where it was given; {@code null} means
 * "not given here". {@link StoreOptions#resolve} turns it, with its settings, into the snapshot
 * the engine is built from, so the engine never sees the builder.
 */
@SuppressWarnings("NullAway.Init")
public final class Given {
    public @Nullable Settings settings;
    public @Nullable String table;
    public @Nullable String pepper;
    public @Nullable List<String> previousPeppers;
    public @Nullable Boolean requirePepper;
    public @Nullable String tokenPrefix;
    public @Nullable List<String> previousTokenPrefixes;
    public @Nullable String legacyTokens;
    public @Nullable Duration touchInterval;
    public @Nullable Clock clock;
    public @Nullable Executor executor;
    public @Nullable Integer poolSize;
    public @Nullable Duration connectionTimeout;
    public @Nullable Duration cacheTtl;
    public @Nullable Duration queryTimeout;
    public @Nullable Duration negativeCacheTtl;
    public @Nullable Long cacheSize;
    public @Nullable Integer maxKeysPerUser;
    public @Nullable KeyPolicy keyPolicy;
    public UsageLimits.@Nullable RateLimit defaultRateLimit;
    /** Empty: the budget is off; {@code null}: not given. */
    public @Nullable Optional<UsageLimits.RateLimit> failedAuthLimit;
    public @Nullable AuditListener auditListener;
    /** A Micrometer {@code MeterRegistry}, typed loosely so Micrometer stays optional. */
    public @Nullable Object meterRegistry;
    public boolean migrate = true;
}
