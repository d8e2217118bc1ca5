package dev.pkauth.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code pkauth.leak.reports} (tags {@code reporter}, {@code outcome}): tokens reported leaked,
 * by what pkauth did with each. Only loaded when a registry is given (Micrometer is optional).
 */
public final class LeakMetrics {
    private final MeterRegistry registry;

    public LeakMetrics(Object registry) {
        this.registry = (MeterRegistry) registry;
    }

    /** One reported token: {@code revoked}, {@code reported}, {@code inactive} or {@code unknown}. */
    public void reported(String reporter, String outcome) {
        Counter.builder("pkauth.leak.reports").description("Tokens reported leaked, by reporter and outcome")
                .tag("reporter", reporter).tag("outcome", outcome).register(registry).increment();
    }
}
