package dev.pkauth.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether this machine has an IPv6 loopback. The contract's servers also listen on {@code [::1]}
 * so requests can come from an IPv6 address; on a machine without it (some containers disable
 * IPv6) they listen on IPv4 only and the IPv6 half of the allowlist case is left out, said once
 * on stderr, instead of every deployment failing to start.
 */
public final class Loopback {
    private static final boolean IPV6 = probe();

    private Loopback() {}

    /** @return whether a socket can be bound on {@code ::1} */
    public static boolean ipv6() {
        return IPV6;
    }

    private static boolean probe() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            System.err.println("pkauth tests: no IPv6 loopback here (" + e.getMessage()
                    + "); servers listen on 127.0.0.1 only and IPv6 client cases are left out");
            return false;
        }
    }
}
