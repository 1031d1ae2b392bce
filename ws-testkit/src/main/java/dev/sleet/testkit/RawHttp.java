package dev.sleet.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends raw bytes as an HTTP request and reads the response until the server closes or the timeout passes, or —
 * for a complete response that keeps the connection (HTTP/1.1 keep-alive: a {@code Content-Length} and no
 * {@code Connection: close}) — until that response has arrived ({@code closed} is then false).
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A parsed response: status, headers (lower-case names, last value wins), body, and whether TCP closed. */
    public record Response(int status, Map<String, String> headers, String body, boolean closed) {
        /** The value of header {@code name} (any case), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends {@code request} verbatim to 127.0.0.1:{@code port}. */
    public static Response exchange(int port, String request, Duration timeout) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeout);
    }

    /** Sends {@code request} to 127.0.0.1:{@code port} and reads the response until the server closes or times out. */
    public static Response exchange(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            boolean closed = false;
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                while (true) {
                    int n = in.read(buf);
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    got.write(buf, 0, n);
                    if (completeAndKeptAlive(got.toString(StandardCharsets.ISO_8859_1))) {
                        break; // an HTTP/1.1 persistent connection: the server will not close it now
                    }
                }
            } catch (SocketTimeoutException e) {
                // the server kept the connection open: report what arrived
            } catch (IOException e) {
                closed = true; // reset counts as closed
            }
            return parse(got.toString(StandardCharsets.ISO_8859_1), closed);
        }
    }

    /**
     * True when {@code text} holds a whole response (head and {@code Content-Length} bytes of body) that does not say
     * {@code Connection: close} (nor is a 101): the server keeps such a connection open for another request.
     */
    static boolean completeAndKeptAlive(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Response head = parse(text.substring(0, end + 4), false);
        String length = head.header("content-length");
        String connection = head.header("connection");
        if (head.status() < 200 || length == null
                || (connection != null && connection.toLowerCase(Locale.ROOT).contains("close"))) {
            return false;
        }
        return text.length() - end - 4 >= Integer.parseInt(length.trim());
    }

    static Response parse(String text, boolean closed) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Response(-1, Map.of(), text, closed);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new Response(status, headers, text.substring(end + 4), closed);
    }
}
