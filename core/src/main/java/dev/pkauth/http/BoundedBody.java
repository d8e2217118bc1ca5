package dev.pkauth.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Arrays;

/**
 * Reads a request body that pkauth's own endpoints take, within a size and a deadline: a read
 * blocks, so the deadline is checked as each piece arrives, and the container's idle timeout
 * bounds the wait for one piece. The keys endpoints and the leak reports read through it.
 */
final class BoundedBody {
    private BoundedBody() {}

    /** Why a body was refused. */
    enum Refusal { TOO_LARGE, TOO_SLOW, UNREADABLE }

    /** Unwinds a read with its {@link Refusal}. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final Refusal refusal;

        Refused(Refusal refusal) {
            super(null, null, false, false);
            this.refusal = refusal;
        }
    }

    /**
     * The body, at most {@code max} bytes, refused once {@code deadline} (clock millis) has passed
     * with more still to come.
     *
     * @param declared the declared length, or -1
     */
    static byte[] read(InputStream in, long declared, int max, long deadline, Clock clock) throws Refused {
        if (declared > max) throw new Refused(Refusal.TOO_LARGE);
        byte[] buffer = new byte[(int) Math.min(max + 1L, declared >= 0 ? declared + 1 : 16 * 1024)];
        int length = 0;
        try {
            while (true) {
                if (length == buffer.length) {
                    if (buffer.length > max) break;
                    buffer = Arrays.copyOf(buffer, (int) Math.min(max + 1L, buffer.length * 2L));
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) break;
                length += n;
                if ((declared < 0 || length < declared) && clock.millis() > deadline) throw new Refused(Refusal.TOO_SLOW);
            }
        } catch (IOException e) {
            throw new Refused(Refusal.UNREADABLE);
        }
        if (length > max) throw new Refused(Refusal.TOO_LARGE);
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }
}
