package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.core.Fragment;
import dev.sleet.core.Message;
import dev.sleet.core.MessageStream;
import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.ClientHandshakeException;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.server.ConnectDecision;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.TestCertificates;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server behaviours ws-server's own tests check with the JDK client (echo, close codes, handler crash, the
 * upgrade decision, heartbeat, ping hooks, fragments in and out, TLS, shutdown), run again with the Sleet client as
 * the second client. They live here because ws-server's test tree cannot depend on ws-client (ws-client's tests
 * depend on ws-server, and Maven refuses the cycle).
 */
class ServerBehavioursWithSleetClientTest {

    private static WebSocketServer.Builder server() {
        return WebSocketServer.builder().host("127.0.0.1").port(0);
    }

    private static URI uri(WebSocketServer s, String path) {
        return URI.create("ws://127.0.0.1:" + s.port() + path);
    }

    /** Echoes; "crash" throws (1011); "close:<code>:<reason>" closes. */
    static class Echo implements WebSocketHandler {
        @Override
        public void onMessage(Connection connection, Message message) {
            switch (message) {
                case Message.Text t when t.text().equals("crash") -> throw new IllegalStateException("on purpose");
                case Message.Text t when t.text().startsWith("close:") -> {
                    String[] p = t.text().split(":", 3);
                    connection.close(Integer.parseInt(p[1]), p[2]);
                }
                case Message.Text t -> connection.send(t.text());
                case Message.Binary b -> connection.send(b.data());
            }
        }
    }

    @Test
    void aHandlerCrashClosesOnlyItsConnectionWith1011() throws Exception {
        WebSocketServer s = server().handler(new Echo()).start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            ClientEvents a = new ClientEvents();
            ClientEvents b = new ClientEvents();
            Connection ca = client.connect(uri(s, "/"), a).get();
            Connection cb = client.connect(uri(s, "/"), b).get();
            a.next(ClientEvents.Opened.class);
            b.next(ClientEvents.Opened.class);
            ca.send("crash");
            assertEquals(1011, a.next(ClientEvents.Closed.class).status().code());
            cb.send("still here");
            assertEquals("still here", b.next(ClientEvents.Text.class).text());
            cb.send("close:4002:done");
            assertEquals(new CloseStatus(4002, "done"), b.next(ClientEvents.Closed.class).status());
        } finally {
            s.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRejectedUpgradeReportsItsStatusAndAnAcceptedOneItsSubprotocol() throws Exception {
        WebSocketServer s = server().subprotocols("chat.v2").handler(new Echo() {
            @Override
            public ConnectDecision onConnect(UpgradeRequest request) {
                return request.path().equals("/private") ? ConnectDecision.reject(403, "members only")
                        : ConnectDecision.accept();
            }
        }).start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> client.connect(uri(s, "/private"), new ClientEvents()).get());
            UpgradeFailedException u = assertInstanceOf(UpgradeFailedException.class, e.getCause());
            assertEquals(403, u.status());
            assertEquals(ClientHandshakeException.Failure.NOT_SWITCHING_PROTOCOLS, u.failure());
            ClientEvents events = new ClientEvents();
            Connection c = client.connect(uri(s, "/open"),
                    ConnectOptions.builder().subprotocols("chat.v3", "chat.v2").build(), events).get();
            assertEquals("chat.v2", c.subprotocol().orElseThrow());
            c.close();
            events.next(ClientEvents.Opened.class);
            events.next(ClientEvents.Closed.class);
        } finally {
            s.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void theServersHeartbeatPingsAreAnsweredSoTheConnectionStays() throws Exception {
        BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        WebSocketServer s = server().pingInterval(Duration.ofMillis(100)).pongTimeout(Duration.ofMillis(500))
                .handler(new Echo() {
                    @Override
                    public void onPong(Connection connection, ByteBuffer payload) {
                        pongs.add("pong");
                    }
                }).start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            ClientEvents events = new ClientEvents();
            Connection c = client.connect(uri(s, "/"), events).get();
            events.next(ClientEvents.Opened.class);
            for (int i = 0; i < 3; i++) { // three heartbeat rounds answered by the client
                assertEquals("pong", pongs.poll(10, TimeUnit.SECONDS));
            }
            c.send("alive");
            assertEquals("alive", events.next(ClientEvents.Text.class).text());
            assertTrue(c.isOpen());
            c.close();
        } finally {
            s.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void fragmentsInAndOutBetweenTheTwoSides() throws Exception {
        List<String> pieces = new CopyOnWriteArrayList<>();
        WebSocketServer s = server().handler(new WebSocketHandler() {
            @Override
            public boolean receivesFragments() {
                return true;
            }

            @Override
            public void onFragment(Connection connection, Fragment fragment) {
                pieces.add(StandardCharsets.UTF_8.decode(fragment.data()).toString());
                if (fragment.isLast()) {
                    MessageStream out = connection.streamText();
                    for (int i = 0; i < pieces.size(); i++) {
                        out.send(pieces.get(i), i == pieces.size() - 1);
                    }
                }
            }

            @Override
            public void onMessage(Connection connection, Message message) {
            }
        }).start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            ClientEvents events = new ClientEvents();
            Connection c = client.connect(uri(s, "/"), events).get();
            events.next(ClientEvents.Opened.class);
            MessageStream stream = c.streamText();
            stream.send("Привет, ", false);
            stream.send("世界 ", false);
            stream.send("🎉", true);
            assertEquals("Привет, 世界 🎉", events.next(ClientEvents.Text.class).text());
            assertEquals("Привет, 世界 🎉", String.join("", pieces)); // the server got it in pieces, in order
            c.close();
        } finally {
            s.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void tlsEchoAndAGracefulShutdownSeen1001() throws Exception {
        TestCertificates.Issued cert = TestCertificates.issue(Files.createTempDirectory("sleet-client-tls"), "localhost");
        WebSocketServer s = server().tls(cert.certificatePem(), cert.privateKeyPem()).handler(new Echo()).start();
        try (WebSocketClient client = WebSocketClient.builder().tlsTransport("jdk-tls")
                .sslContext(TestCertificates.trusting(cert.certificate())).build()) {
            ClientEvents[] events = {new ClientEvents(), new ClientEvents()};
            Connection[] conns = new Connection[2];
            for (int i = 0; i < 2; i++) {
                conns[i] = client.connect(URI.create("wss://localhost:" + s.port() + "/"), events[i]).get();
                events[i].next(ClientEvents.Opened.class);
                conns[i].send("tls " + i);
                assertEquals("tls " + i, events[i].next(ClientEvents.Text.class).text());
            }
            assertTrue(s.shutdown(Duration.ofSeconds(5)), "every connection closed within the timeout");
            for (ClientEvents e : events) {
                assertEquals(1001, e.next(ClientEvents.Closed.class).status().code());
            }
        }
    }
}
