package dev.pkauth.test;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.KeySpec;
import java.util.List;
import java.util.Objects;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Spring MockMvc requests that carry a real pkauth key, as Spring Security's {@code opaqueToken()}
 * does for OAuth2: the key is minted in the application's own {@link ApiKeyStore} bean and sent as
 * {@code Authorization: Bearer …}, so the request passes through the real filter chain, scopes
 * and usage limits included.
 *
 * <pre>{@code
 * mvc.perform(get("/api/docs").with(apiKey("docs:read"))).andExpect(status().isOk());
 * mvc.perform(get("/api/docs").with(apiKey())).andExpect(status().isForbidden());
 * }</pre>
 */
public final class PkauthMockMvc {
    private PkauthMockMvc() {}

    /**
     * A new key of the user {@code test-user} with {@code scopes}, minted in the application's
     * {@link ApiKeyStore} bean.
     *
     * @param scopes the scopes it holds
     * @return the post-processor
     */
    public static RequestPostProcessor apiKey(String... scopes) {
        List<String> granted = List.of(scopes);
        return request -> {
            WebApplicationContext context = WebApplicationContextUtils.getRequiredWebApplicationContext(request.getServletContext());
            ApiKeyStore store = context.getBean(ApiKeyStore.class);
            request.addHeader("Authorization", "Bearer " + store.create("test-user", KeySpec.of("test", granted)).token());
            return request;
        };
    }

    /**
     * A new key minted in {@code store} as {@code spec} describes it.
     *
     * @param store the store the application verifies keys with
     * @param userId the owner
     * @param spec name, scopes, expiry, limits, metadata, allowed addresses
     * @return the post-processor
     */
    public static RequestPostProcessor apiKey(ApiKeyStore store, String userId, KeySpec spec) {
        Objects.requireNonNull(store, "store");
        return request -> {
            request.addHeader("Authorization", "Bearer " + store.create(userId, spec).token());
            return request;
        };
    }

    /**
     * A token the test already has (one minted by {@link PkauthExtension}, a revoked one, a forged one).
     *
     * @param token the token
     * @return the post-processor
     */
    public static RequestPostProcessor bearer(String token) {
        Objects.requireNonNull(token, "token");
        return request -> {
            request.addHeader("Authorization", "Bearer " + token);
            return request;
        };
    }
}
