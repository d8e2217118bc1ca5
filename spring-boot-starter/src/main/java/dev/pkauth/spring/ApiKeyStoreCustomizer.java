package dev.pkauth.spring;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.ApiKeyStoreBuilder;

/**
 * Adjusts the builder of the starter's {@link ApiKeyStore} bean before it is built (an audit
 * listener, a clock, a cache size…). Every such bean applies, in order.
 *
 * <pre>{@code
 * @Bean
 * ApiKeyStoreCustomizer audit(MyAuditSink sink) { return builder -> builder.auditListener(sink::record); }
 * }</pre>
 */
@FunctionalInterface
public interface ApiKeyStoreCustomizer {
    /** @param builder the builder, with the {@code pkauth.*} properties and the database already set */
    void customize(ApiKeyStoreBuilder builder);
}
