package dev.pkauth.jaxrs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The API key must hold every one of these scopes ({@code *} and {@code X:*} wildcards count);
 * otherwise 403 {@code insufficient_scope} naming them. On a class it applies to every method,
 * and a method's own {@code @RequireScopes} adds to it.
 *
 * <pre>{@code
 * @POST @RequireScopes("docs:write")
 * public Response create(Doc doc) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequireScopes {
    /**
     * The scopes a key must hold, all of them.
     *
     * @return the scopes
     */
    String[] value();
}
