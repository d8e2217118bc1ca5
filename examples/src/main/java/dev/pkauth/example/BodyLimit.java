package dev.pkauth.example;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds every request body of the JSON API before it is read: a declared length over the limit
 * is refused at once, and a body without one (chunked) is cut off when it passes the limit. Either
 * way the answer is 413 and the connection is closed, so the rest of the body is never read.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public final class BodyLimit implements ContainerRequestFilter {
    /** Far more than any key request needs; far less than what would hurt the heap. */
    static final int MAX_BYTES = 16 * 1024;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > MAX_BYTES) throw tooLarge();
        request.setEntityStream(new Bounded(request.getEntityStream()));
    }

    static WebApplicationException tooLarge() {
        Response r = ApiErrors.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, "invalid_request",
                "the request body is larger than " + MAX_BYTES + " bytes");
        return new WebApplicationException(Response.fromResponse(r).header("Connection", "close").build());
    }

    /** Counts what is read and fails once more than {@link #MAX_BYTES} has been. */
    private static final class Bounded extends FilterInputStream {
        private long read;

        Bounded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count(1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) count(n);
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > MAX_BYTES) throw tooLarge();
        }
    }
}
