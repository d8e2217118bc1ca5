package dev.pkauth.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so tests can send what polite clients refuse to: repeated
 * headers, raw non-ASCII bytes, huge values. Header lines are written as ISO-8859-1 bytes.
 */
public final class RawHttp {
    private RawHttp() {}

    /** The local address requests come from; {@code null} lets the system choose (127.0.0.1). */
    private static volatile java.net.InetAddress source;

    /**
     * Sends later requests from {@code address}, a loopback address such as {@code 127.0.0.7}
     * (Linux answers on all of 127.0.0.0/8): each looks like a client of its own to the server.
     */
    public static void from(String address) {
        try {
            source = address == null ? null : java.net.InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {
        /** The only value of a header (case-insensitive name), or {@code null}. */
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            if (v == null) return null;
            if (v.size() != 1) throw new AssertionError("expected one " + name + " header, got " + v);
            return v.get(0);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    /** GET {@code base + path} with the given raw header lines ({@code "Name: value"}). */
    public static Response get(URI base, String path, String... headerLines) {
        return request(base, "GET", path, null, headerLines);
    }

    public static Response request(URI base, String method, String path, String body, String... headerLines) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(base.getPath().replaceAll("/$", "")).append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                .append("Connection: close\r\n");
        for (String line : headerLines) head.append(line).append("\r\n");
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = source == null ? new Socket(base.getHost(), base.getPort())
                : new Socket(base.getHost(), base.getPort(), source, 0)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bodyBytes);
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Sends only a request's head (its headers may declare a body that never comes) and reads the
     * answer up to its declared length, without waiting for the server to close: for refusals made
     * before a body is read, which a server may answer while still expecting that body.
     */
    public static Response head(URI base, String method, String path, String... headerLines) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(base.getPath().replaceAll("/$", "")).append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        for (String line : headerLines) head.append(line).append("\r\n");
        head.append("\r\n");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            int headEnd = -1;
            int length = 0;
            int c;
            while ((c = in.read()) >= 0) {
                received.write(c);
                String text = received.toString(StandardCharsets.ISO_8859_1);
                if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
                    headEnd = text.length();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
                    length = m.find() ? Integer.parseInt(m.group(1)) : 0;
                }
                if (headEnd >= 0 && received.size() >= headEnd + length) break;
            }
            return parse(received.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Response parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) throw new IOException("no complete response head: " + all);
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.get(0).equalsIgnoreCase("chunked")) body = dechunk(body);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = new java.io.ByteArrayInputStream(body);
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) throw new IOException("truncated chunked body");
                if (c != '\r') size.append((char) c);
            }
            int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (n == 0) return out.toByteArray();
            out.write(in.readNBytes(n));
            in.readNBytes(2);
        }
    }
}
