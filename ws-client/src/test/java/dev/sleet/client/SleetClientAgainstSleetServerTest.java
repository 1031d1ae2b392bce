package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.core.SendResult;
import dev.sleet.frame.CloseStatus;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Sleet client against the Sleet server over loopback: the two roles of the same core talking. */
class SleetClientAgainstSleetServerTest {
    static final String NON_ASCII = "Привет 世界 🎉";
    static WebSocketServer server;
    static WebSocketClient client;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new WebSocketHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                switch (message) {
                    case Message.Text t when t.text().startsWith("close:") -> {
                        String[] parts = t.text().split(":", 3);
                        connection.close(Integer.parseInt(parts[1]), parts[2]);
                    }
                    case Message.Text t -> connection.send(t.text());
                    case Message.Binary b -> connection.send(b.data());
                }
            }
        }).start();
        client = WebSocketClient.builder().build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdown(java.time.Duration.ofSeconds(5));
        }
    }

    private static URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/echo?room=7");
    }

    @Test
    void textBinaryAndLargeMessagesComeBack() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = client.connect(uri(), events).toCompletableFuture().get();
        events.next(ClientEvents.Opened.class);
        assertTrue(c.isOpen());
        assertEquals("/echo", c.request().path());
        assertEquals(SendResult.ENQUEUED, c.send("hello"));
        assertEquals("hello", events.next(ClientEvents.Text.class).text());
        c.send(NON_ASCII);
        assertEquals(NON_ASCII, events.next(ClientEvents.Text.class).text());
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        c.send(big);
        assertArrayEquals(big, events.next(ClientEvents.Binary.class).data());
        String longText = NON_ASCII.repeat(10_000);
        c.send(longText);
        assertEquals(longText, events.next(ClientEvents.Text.class).text());
        c.close(1000, "bye");
        assertEquals(1000, events.next(ClientEvents.Closed.class).status().code());
        assertTrue(events.neverOnIoThread(), events.threads.toString());
    }

    @Test
    void pingIsAnsweredWithItsPayload() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = client.connect(uri(), events).toCompletableFuture().get();
        events.next(ClientEvents.Opened.class);
        c.ping(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("p1".getBytes(StandardCharsets.UTF_8), events.next(ClientEvents.Pong.class).payload());
        c.close();
        events.next(ClientEvents.Closed.class);
    }

    @Test
    void serverInitiatedCloseReportsItsCode() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = client.connect(uri(), events).toCompletableFuture().get();
        events.next(ClientEvents.Opened.class);
        c.send("close:4001:bye");
        CloseStatus status = events.next(ClientEvents.Closed.class).status();
        assertEquals(new CloseStatus(4001, "bye"), status);
        assertFalse(c.isOpen());
        assertEquals(status, c.closeFuture().toCompletableFuture().get());
    }

    @Test
    void manyConnectionsShareOneClient() throws Exception {
        int n = 50;
        ClientEvents[] events = new ClientEvents[n];
        Connection[] conns = new Connection[n];
        for (int i = 0; i < n; i++) {
            events[i] = new ClientEvents();
            conns[i] = client.connect(uri(), events[i]).toCompletableFuture().get();
        }
        for (int i = 0; i < n; i++) {
            conns[i].send("m" + i);
        }
        for (int i = 0; i < n; i++) {
            events[i].next(ClientEvents.Opened.class);
            assertEquals("m" + i, events[i].next(ClientEvents.Text.class).text());
            conns[i].close();
            events[i].next(ClientEvents.Closed.class);
        }
    }
}
