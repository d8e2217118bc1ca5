/** pkauth for the Servlet API: {@link dev.pkauth.servlet.ApiKeyFilter}, its context listener and {@link dev.pkauth.servlet.KeysServlet}. */
module dev.pkauth.servlet {
    requires transitive dev.pkauth;
    requires transitive jakarta.servlet;
    requires org.slf4j;

    exports dev.pkauth.servlet;
}
