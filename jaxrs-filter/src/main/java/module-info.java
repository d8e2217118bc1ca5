/**
 * pkauth for JAX-RS: {@link dev.pkauth.jaxrs.ApiKeyAuthFilter}, {@link dev.pkauth.jaxrs.ApiKeyFeature},
 * {@link dev.pkauth.jaxrs.AccessRules}, {@link dev.pkauth.jaxrs.RequireScopes} and {@link dev.pkauth.jaxrs.KeysResource}.
 */
module dev.pkauth.jaxrs {
    requires transitive dev.pkauth;
    requires transitive jakarta.ws.rs;
    requires transitive jakarta.annotation;
    // The filter reads the client address and the shared store from the servlet container, when there is one.
    requires static jakarta.servlet;
    requires org.slf4j;

    exports dev.pkauth.jaxrs;
    // JAX-RS implementations make and inject the filter, feature and mapper reflectively.
    opens dev.pkauth.jaxrs;
}
