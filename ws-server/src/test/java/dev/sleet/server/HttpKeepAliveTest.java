package dev.sleet.server;

import dev.sleet.core.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 persistent connections for plain HTTP (RFC 9112 §9.3): the connection reads a new request after each
 * response, pipelined requests are answered in order, {@code Connection: close} is honoured, and the requests per
 * connection and the wait between requests are bounded.
 */
class HttpKeepAliveTest {
    static final Duration T = Duration.ofSeconds(20);

    record Response(int status, Map<String, String> headers, String body) {
    }

    /** Reads one response delimited by its Content-Length; null when the server closed first. */
    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        if (b < 0) {
            return null;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    static Socket open(WebSocketServer server) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) T.toMillis());
        s.setSoTimeout((int) T.toMillis());
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    static String get(String path, String extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
    }

    static WebSocketServer.Builder server() {
        return WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/ws", new RecordingHandler())
                .route("/{page}", request -> HttpResponse.text(200, "page " + request.pathParam("page").orElseThrow()));
    }

    @Test
    void oneConnectionServesSeveralRequestsInTurnAndPipelined() throws Exception {
        try (WebSocketServer s = server().start(); Socket socket = open(s)) {
            InputStream in = socket.getInputStream();
            send(socket, get("/a", ""));
            Response a = read(in);
            assertEquals("page a", a.body());
            assertNull(a.headers().get("connection"), "HTTP/1.1 persists by default");
            send(socket, get("/b", "") + get("/c", "") + get("/d", "Connection: close\r\n"));
            assertEquals("page b", read(in).body());
            assertEquals("page c", read(in).body());
            Response d = read(in);
            assertEquals("page d", d.body());
            assertEquals("close", d.headers().get("connection"), "Connection: close is honoured");
            assertEquals(-1, in.read(), "then TCP closes");
        }
    }

    @Test
    void anUpgradeMayFollowKeptAliveRequests() throws Exception {
        try (WebSocketServer s = server().start(); Socket socket = open(s)) {
            send(socket, get("/index", ""));
            assertEquals("page index", read(socket.getInputStream()).body());
            try (RawWebSocket ws = RawWebSocket.upgradeOn(socket, "/ws", "")) {
                ws.sendText("hi");
                assertEquals("hi", ws.readFrame(T).text());
            }
        }
    }

    @Test
    void requestsPerConnectionAreBounded() throws Exception {
        try (WebSocketServer s = server().maxRequestsPerConnection(2).start(); Socket socket = open(s)) {
            InputStream in = socket.getInputStream();
            send(socket, get("/a", "") + get("/b", "") + get("/c", ""));
            assertNull(read(in).headers().get("connection"));
            Response last = read(in);
            assertEquals("page b", last.body());
            assertEquals("close", last.headers().get("connection"));
            assertNull(read(in), "the third request is not read");
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAndHttp10Closes() throws Exception {
        try (WebSocketServer s = server().httpKeepAliveTimeout(Duration.ofMillis(200)).start()) {
            try (Socket socket = open(s)) {
                send(socket, get("/a", ""));
                assertEquals("page a", read(socket.getInputStream()).body());
                assertEquals(-1, socket.getInputStream().read(), "closed after the keep-alive timeout");
            }
            try (Socket socket = open(s)) {
                send(socket, "GET /old HTTP/1.0\r\nHost: x\r\n\r\n");
                Response r = read(socket.getInputStream());
                assertEquals("close", r.headers().get("connection"));
                assertEquals(-1, socket.getInputStream().read());
            }
        }
    }

    @Test
    void keepAliveWorksOverTlsToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.sleet.testkit.TestCertificates.Issued cert = dev.sleet.testkit.TestCertificates.issue(dir, "localhost");
        try (WebSocketServer s = server().tls(cert.certificatePem(), cert.privateKeyPem()).start();
             javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) cert.clientContext().getSocketFactory()
                     .createSocket("127.0.0.1", s.port())) {
            socket.setSoTimeout((int) T.toMillis());
            send(socket, get("/a", ""));
            assertEquals("page a", read(socket.getInputStream()).body());
            send(socket, get("/b", "") + get("/c", "Connection: close\r\n"));
            assertEquals("page b", read(socket.getInputStream()).body());
            assertEquals("page c", read(socket.getInputStream()).body());
            assertNull(read(socket.getInputStream()));
        }
    }

    @Test
    void aRequestWithABodyOrAHeadRequestEndsTheConnection() throws Exception {
        try (WebSocketServer s = server().start(); Socket socket = open(s)) {
            send(socket, "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            Response r = read(socket.getInputStream());
            assertEquals("page form", r.body());
            assertEquals("close", r.headers().get("connection"));
            assertTrue(socket.getInputStream().read() < 0);
        }
    }
}
