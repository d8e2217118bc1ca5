package dev.pkauth.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** The store's Micrometer meters, bound to the application's registry when it has one. */
@AutoConfiguration(
        before = PkauthAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public class PkauthMetricsAutoConfiguration {
    /**
     * @param registry the application's registry
     * @return a customizer that gives the store the registry
     */
    @Bean
    public ApiKeyStoreCustomizer pkauthMeters(MeterRegistry registry) {
        return builder -> builder.meterRegistry(registry);
    }
}
