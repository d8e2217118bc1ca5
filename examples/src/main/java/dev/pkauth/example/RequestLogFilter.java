package dev.pkauth.example;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request naming the authenticated user and key prefix, never the key:
 * {@code GET /api/whoami 200 3ms user=demo key=pk.key_AbC123xyz}.
 */
public class RequestLogFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger("dev.pkauth.example.access");

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        try {
            chain.doFilter(req, res);
        } finally {
            if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response) {
                Object p = request.getAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE);
                String who = p instanceof ApiKeyPrincipal principal
                        ? "user=" + principal.userId() + " key=" + principal.keyPrefix()
                        : "user=-";
                log.info("{} {} {} {}ms {}", request.getMethod(), request.getRequestURI(), response.getStatus(),
                        (System.nanoTime() - start) / 1_000_000, who);
            }
        }
    }
}
