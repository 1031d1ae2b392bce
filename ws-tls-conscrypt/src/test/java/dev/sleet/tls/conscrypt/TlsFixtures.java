package dev.sleet.tls.conscrypt;

import dev.sleet.frame.CloseStatus;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.conscrypt.Conscrypt;

/** Servers, clients and handlers shared by this module's tests. */
final class TlsFixtures {
    /** Both TLS transports a server can use when this module is present. */
    static final List<String> TRANSPORTS = List.of("jdk-tls", ConscryptTransport.NAME);

    private TlsFixtures() {
    }

    static Stream<String> transports() {
        return TRANSPORTS.stream();
    }

    /**
     * Echoes every message; the text {@code "sni?"} is answered with the SNI name of the upgrade request
     * ({@code "sni=<name>"} or {@code "sni=none"}). Every end is recorded.
     */
    static final class EchoHandler implements WebSocketHandler {
        final BlockingQueue<CloseStatus> closes = new LinkedBlockingQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onOpen(Connection connection) {
            opened.incrementAndGet();
        }

        @Override
        public void onMessage(Connection connection, Message message) {
            switch (message) {
                case Message.Text t when t.text().equals("sni?") ->
                        connection.send("sni=" + connection.request().serverName().orElse("none"));
                case Message.Text t -> connection.send(t.text());
                case Message.Binary b -> connection.send(b.data());
            }
        }

        @Override
        public void onClose(Connection connection, CloseStatus status) {
            closes.add(status);
            ended.incrementAndGet();
        }

        /**
         * Waits until every connection that opened has had its {@code onClose} (which runs in its actor, after
         * the socket is gone), then forgets the statuses, so the next test sees only its own.
         */
        void settle(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (ended.get() < opened.get() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (ended.get() < opened.get()) {
                throw new AssertionError((opened.get() - ended.get()) + " connections never got onClose");
            }
            closes.clear();
        }

        CloseStatus awaitClose(Duration timeout) throws InterruptedException {
            CloseStatus s = closes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (s == null) {
                throw new AssertionError("onClose did not run within " + timeout);
            }
            return s;
        }
    }

    /** A loopback TLS-only server on a free port with {@code transport} (by name, so a missing one fails). */
    static WebSocketServer start(String transport, TlsConfig tls, WebSocketHandler handler,
            Consumer<WebSocketServer.Builder> more) throws IOException {
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0).transport(transport)
                .eventLoops(2).workers(2).handler(handler).tls(tls);
        more.accept(b);
        WebSocketServer server = b.start();
        if (!server.transport().equals(transport)) {
            server.close();
            throw new AssertionError("asked for " + transport + ", got " + server.transport());
        }
        return server;
    }

    static WebSocketServer start(String transport, TlsConfig tls, WebSocketHandler handler) throws IOException {
        return start(transport, tls, handler, b -> { });
    }

    /**
     * A connected, not yet handshaken client socket to 127.0.0.1:{@code port}. The JDK sends no SNI for an IP
     * literal, so {@code sni} (when not null) is set explicitly; {@code alpn} likewise.
     */
    static SSLSocket socket(SSLContext client, int port, String sni, String... alpn) throws IOException {
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        s.setSSLParameters(p);
        return s;
    }

    /** Completes the TLS handshake and the upgrade over {@code s}. */
    static RawWebSocket upgrade(SSLSocket s) throws IOException {
        return RawWebSocket.connectTls(s, "/", "");
    }

    /** The subject CN of the certificate the server presented. */
    static String peerCommonName(SSLSocket s) throws IOException {
        X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
        String dn = leaf.getSubjectX500Principal().getName();
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return dn;
    }

    /** A client context (JDK provider) that trusts anything: for tests that look at the certificate themselves. */
    static SSLContext trustingAnything() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        return ctx;
    }

    /**
     * The same, on Conscrypt with TLS 1.0/1.1 switched back on: this client can offer the old protocols and weak
     * suites the JDK client no longer does, so the server's refusal is what a test sees.
     */
    static SSLContext conscryptClientTrustingAnything() throws GeneralSecurityException {
        Provider p = Conscrypt.newProviderBuilder().setName("Conscrypt-test-client").isTlsV1Deprecated(false)
                .isTlsV1Enabled(true).build();
        SSLContext ctx = SSLContext.getInstance("TLS", p);
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        return ctx;
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Waits until {@code server} has no open connection (connections end asynchronously). */
    static void awaitNoConnections(WebSocketServer server, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (server.connectionCount() > 0) {
            throw new AssertionError(server.connectionCount() + " connections still open after " + timeout);
        }
    }

    /** A fresh connection still gets its echo: the fault before it hurt nothing but its own connection. */
    static void assertServerStillEchoes(WebSocketServer server, SSLContext client) throws IOException {
        try (RawWebSocket ws = upgrade(socket(client, server.port(), null))) {
            ws.sendText("still here");
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(10));
            if (!"still here".equals(f.text())) {
                throw new AssertionError("expected the echo, got " + f);
            }
        }
    }
}
