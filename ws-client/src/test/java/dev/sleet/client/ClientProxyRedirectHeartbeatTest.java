package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.client.internal.ClientCoreAccess;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.handshake.ClientHandshakeException;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.ScriptedWsServer;
import dev.sleet.testkit.TestCertificates;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client through an HTTP proxy (plain and TLS, with and without credentials), redirects, and its heartbeat. */
class ClientProxyRedirectHeartbeatTest {
    static WebSocketServer plain;
    static WebSocketServer tls;
    static TestCertificates.Issued cert;

    static final class Echo implements WebSocketHandler {
        @Override
        public void onMessage(Connection connection, Message message) {
            if (message instanceof Message.Text t) {
                connection.send(t.text());
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("client-proxy");
        cert = TestCertificates.issue(dir, "localhost");
        plain = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Echo()).start();
        tls = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Echo())
                .tls(cert.certificatePem(), cert.privateKeyPem()).start();
    }

    @AfterAll
    static void stop() {
        plain.shutdown(Duration.ofSeconds(5));
        tls.shutdown(Duration.ofSeconds(5));
    }

    private static String echoOnce(WebSocketClient client, URI uri) throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = client.connect(uri, events).get();
        events.next(ClientEvents.Opened.class);
        c.send("через прокси");
        String reply = events.next(ClientEvents.Text.class).text();
        c.close();
        events.next(ClientEvents.Closed.class);
        return reply;
    }

    @Test
    void plainAndTlsGoThroughAConnectTunnel() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(null);
                WebSocketClient client = WebSocketClient.builder().proxy("127.0.0.1", proxy.port())
                        .sslContext(TestCertificates.trusting(cert.certificate())).build()) {
            assertEquals("через прокси", echoOnce(client, URI.create("ws://127.0.0.1:" + plain.port() + "/")));
            assertEquals("через прокси", echoOnce(client, URI.create("wss://localhost:" + tls.port() + "/")));
            assertEquals(2, proxy.heads.size());
            assertTrue(proxy.heads.get(0).startsWith("CONNECT 127.0.0.1:" + plain.port() + " HTTP/1.1\r\n"),
                    proxy.heads.get(0));
            assertTrue(proxy.heads.get(1).startsWith("CONNECT localhost:" + tls.port() + " HTTP/1.1\r\n"),
                    proxy.heads.get(1));
        }
    }

    @Test
    void proxyCredentialsAreSentAndA407IsReported() throws Exception {
        String wanted = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        URI uri = URI.create("ws://127.0.0.1:" + plain.port() + "/");
        try (ConnectProxy proxy = new ConnectProxy(wanted)) {
            try (WebSocketClient client = WebSocketClient.builder().proxy("127.0.0.1", proxy.port())
                    .proxyCredentials("alice", "s3cret").build()) {
                assertEquals("через прокси", echoOnce(client, uri));
            }
            try (WebSocketClient client = WebSocketClient.builder().proxy("127.0.0.1", proxy.port()).build()) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> client.connect(uri, new ClientEvents()).get());
                ProxyConnectException p = assertInstanceOf(ProxyConnectException.class, e.getCause());
                assertEquals(407, p.status());
                assertEquals("Basic realm=\"test\"", p.headers().first("Proxy-Authenticate").orElseThrow());
            }
        }
    }

    @Test
    void aSameOriginRedirectIsFollowedWhenAskedAndReportedOtherwise() throws Exception {
        try (ScriptedWsServer server = ScriptedWsServer.start(peer -> {
            ScriptedWsServer.Request r = peer.readRequest();
            if (r.target().equals("/old")) {
                peer.respond(302, "Found", Map.of("Location", "/new?x=1"), "");
                return;
            }
            peer.respond101(ScriptedWsServer.acceptFor(r.key()), Map.of());
            peer.sendText(r.target());
            peer.awaitClose(Duration.ofSeconds(10));
        }); WebSocketClient client = WebSocketClient.builder().build()) {
            URI old = server.uri("/old");
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> client.connect(old, new ClientEvents()).get());
            UpgradeFailedException u = assertInstanceOf(UpgradeFailedException.class, e.getCause());
            assertEquals(ClientHandshakeException.Failure.REDIRECT, u.failure());
            assertEquals("/new?x=1", u.location().orElseThrow());

            ClientEvents events = new ClientEvents();
            Connection c = client.connect(old, ConnectOptions.builder().followRedirects(2).build(), events).get();
            events.next(ClientEvents.Opened.class);
            assertEquals("/new?x=1", events.next(ClientEvents.Text.class).text());
            assertEquals("/new", c.request().path());
            c.close();
        }
    }

    @Test
    void redirectTargetsKeepToTheOriginAndNeverDropTls() {
        URI first = URI.create("wss://a.example:8443/x");
        assertEquals(URI.create("wss://a.example:8443/y?q=1"),
                ClientCoreAccess.redirectTarget(first, first, "/y?q=1", false));
        assertEquals(URI.create("wss://a.example:8443/z"),
                ClientCoreAccess.redirectTarget(first, first, "https://a.example:8443/z", false));
        assertNull(ClientCoreAccess.redirectTarget(first, first, "wss://b.example:8443/", false));
        assertEquals(URI.create("wss://b.example/"),
                ClientCoreAccess.redirectTarget(first, first, "wss://b.example/", true));
        assertNull(ClientCoreAccess.redirectTarget(first, first, "ws://a.example:8443/", true), "wss to ws");
        assertNull(ClientCoreAccess.redirectTarget(first, first, "ftp://a.example/", true));
    }

    @Test
    void aServerThatNeverAnswersPingsIsClosedWith1001() throws Exception {
        try (ScriptedWsServer server = ScriptedWsServer.start(peer -> {
            peer.accept();
            ScriptedWsServer.ClientFrame ping = peer.readFrame(Duration.ofSeconds(10));
            assertEquals(9, ping.opcode(), "the client's heartbeat ping");
            assertTrue(ping.masked());
            ScriptedWsServer.ClientFrame close = peer.awaitClose(Duration.ofSeconds(10));
            assertEquals(1001, close.closeCode());
        }); WebSocketClient client = WebSocketClient.builder().pingInterval(Duration.ofMillis(200))
                .pongTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ofSeconds(1)).build()) {
            ClientEvents events = new ClientEvents();
            client.connect(server.uri("/"), events).get();
            events.next(ClientEvents.Opened.class);
            assertEquals(1001, events.next(ClientEvents.Closed.class).status().code());
            server.close();
            server.rethrowFailures();
        }
    }
}
