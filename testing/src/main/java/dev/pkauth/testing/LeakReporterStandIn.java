package dev.pkauth.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for GitHub (or GitLab) as a leak reporter: a key server on loopback publishing
 * its ECDSA P-256 key in GitHub's shape ({@code {"public_keys":[{"key_identifier","key","is_current"}]}}),
 * and the signer of reports, as GitHub signs them (SHA256withECDSA over the raw body, base64 DER).
 * It can rotate its key and go down.
 */
public final class LeakReporterStandIn implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile KeyPair keys;
    private volatile String identifier;
    private volatile boolean down;

    public LeakReporterStandIn() throws IOException {
        rotate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/keys", exchange -> {
            fetches.incrementAndGet();
            byte[] body = (down ? "{\"message\":\"down\"}" : published()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(down ? 503 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Where the key set is published. */
    public URI keysUrl() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/keys");
    }

    /** Key set requests served so far. */
    public int fetches() {
        return fetches.get();
    }

    /** Makes the key server answer 503 (or answer again). */
    public void down(boolean down) {
        this.down = down;
    }

    /** A new signing key under a new identifier; the old one is no longer published. */
    public void rotate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] id = new byte[32];
        new java.security.SecureRandom().nextBytes(id);
        identifier = HexFormat.of().formatHex(id);
    }

    /** The identifier of the current key, as the {@code …-Public-Key-Identifier} header carries it. */
    public String identifier() {
        return identifier;
    }

    /** The signature of {@code body} by the current key, as the {@code …-Public-Key-Signature} header carries it. */
    public String sign(String body) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String published() {
        // PEM lines of 64 characters, joined by JSON's "\n" escape.
        String b64 = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
        StringBuilder pem = new StringBuilder("-----BEGIN PUBLIC KEY-----\\n");
        for (int i = 0; i < b64.length(); i += 64) pem.append(b64, i, Math.min(b64.length(), i + 64)).append("\\n");
        pem.append("-----END PUBLIC KEY-----\\n");
        return "{\"public_keys\":[{\"key_identifier\":\"" + identifier + "\",\"key\":\"" + pem + "\",\"is_current\":true}]}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
