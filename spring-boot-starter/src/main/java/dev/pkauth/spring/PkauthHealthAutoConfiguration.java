package dev.pkauth.spring;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.StoreUnavailableException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** Actuator's health for the key store, when Actuator is on the class path. */
@AutoConfiguration(after = PkauthAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ApiKeyStore.class)
public class PkauthHealthAutoConfiguration {
    /** An id no key has: looking it up costs one primary-key read and proves the database answers. */
    private static final String PROBE_ID = "key_" + "A".repeat(32);

    /**
     * @param store the key store
     * @return {@code pkauth}: up when the store's database answers, down (with the reason) when not
     */
    @Bean
    @ConditionalOnMissingBean(name = "pkauthHealthIndicator")
    public HealthIndicator pkauthHealthIndicator(ApiKeyStore store) {
        return () -> {
            try {
                store.find(PROBE_ID);
                return Health.up().withDetail("store", store.toString()).build();
            } catch (StoreUnavailableException e) {
                return Health.down().withDetail("store", store.toString()).withDetail("error", String.valueOf(e.getMessage())).build();
            }
        };
    }
}
