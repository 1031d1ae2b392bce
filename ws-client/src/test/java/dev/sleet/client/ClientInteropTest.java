package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.core.MessageStream;
import dev.sleet.core.SendResult;
import dev.sleet.deflate.DeflateClientConfig;
import dev.sleet.deflate.PerMessageDeflateClient;
import dev.sleet.frame.CloseStatus;
import dev.sleet.testkit.InteropEchoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Sleet client against other WebSocket servers ({@link InteropEchoServer}: echo, {@code close:<code>:<reason>},
 * {@code ext?}): text including non-ASCII, binary, 200 KiB messages, a message streamed in pieces, ping/pong, a
 * server close with its code and reason, a client close, and permessage-deflate with the default offer and with a
 * narrowed client window and no client context takeover. A subclass per server starts it, or skips loudly when its
 * tool is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClientInteropTest {
    static final String NON_ASCII = "Привет 世界 🎉";

    private InteropEchoServer server;
    private WebSocketClient client;
    private final List<Connection> connections = new ArrayList<>();

    /** Starts the server under test; a subclass makes a JUnit assumption first when its tool may be missing. */
    abstract InteropEchoServer startServer() throws Exception;

    @BeforeAll
    void start() throws Exception {
        server = startServer();
        client = WebSocketClient.builder().maxMessageSize(64L << 20).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeConnections() {
        connections.forEach(Connection::close);
        connections.clear();
    }

    private Connection connect(ConnectOptions options, ClientEvents events) throws Exception {
        Connection c = client.connect(server.uri("/echo"), options, events).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        connections.add(c);
        events.next(ClientEvents.Opened.class);
        return c;
    }

    private String where() {
        return server.name();
    }

    /** Closes from the client's side with 1000 and checks both the callback and the close future see it. */
    private void closeNormally(Connection c, ClientEvents events) throws Exception {
        c.close(1000, "done");
        assertEquals(1000, events.next(ClientEvents.Closed.class).status().code(), where());
        assertEquals(1000, c.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS).code(), where());
        assertFalse(c.isOpen());
    }

    private void echoesTextBinaryAndLarge(Connection c, ClientEvents events) throws Exception {
        assertEquals(SendResult.ENQUEUED, c.send("hello"));
        assertEquals("hello", events.next(ClientEvents.Text.class).text(), where());
        c.send(NON_ASCII);
        assertEquals(NON_ASCII, events.next(ClientEvents.Text.class).text(), where());
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        c.send(all);
        assertArrayEquals(all, events.next(ClientEvents.Binary.class).data(), where());
        Random random = new Random(200);
        byte[] big = new byte[200 * 1024];
        random.nextBytes(big);
        c.send(big);
        assertArrayEquals(big, events.next(ClientEvents.Binary.class).data(), where());
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 200 * 1024) {
            sb.append(NON_ASCII).append(' ').append(random.nextInt());
        }
        String text = sb.toString();
        c.send(text);
        assertEquals(text, events.next(ClientEvents.Text.class).text(), where());
    }

    @Test
    void textBinaryAndLargeMessagesComeBack() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = connect(ConnectOptions.defaults(), events);
        echoesTextBinaryAndLarge(c, events);
        closeNormally(c, events);
        assertTrue(events.neverOnIoThread(), events.threads.toString());
    }

    @Test
    void aMessageStreamedInPiecesComesBackWhole() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = connect(ConnectOptions.defaults(), events);
        try (MessageStream text = c.streamText()) {
            text.send("frag", false);
            text.send("men", false);
            text.send("ted " + NON_ASCII, true);
            assertTrue(text.isDone());
        }
        assertEquals("fragmented " + NON_ASCII, events.next(ClientEvents.Text.class).text(), where());
        byte[] whole = new byte[3000];
        new Random(3).nextBytes(whole);
        try (MessageStream binary = c.streamBinary()) {
            binary.send(ByteBuffer.wrap(whole, 0, 1000), false);
            binary.send(ByteBuffer.wrap(whole, 1000, 1000), false);
            binary.send(ByteBuffer.wrap(whole, 2000, 1000), true);
        }
        assertArrayEquals(whole, events.next(ClientEvents.Binary.class).data(), where());
        closeNormally(c, events);
    }

    @Test
    void pingIsAnsweredWithItsPayload() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = connect(ConnectOptions.defaults(), events);
        byte[] payload = "ping-1".getBytes(StandardCharsets.US_ASCII);
        c.ping(ByteBuffer.wrap(payload));
        assertArrayEquals(payload, events.next(ClientEvents.Pong.class).payload(), where());
        closeNormally(c, events);
    }

    @Test
    void serverCloseReportsItsCodeAndReason() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = connect(ConnectOptions.defaults(), events);
        c.send(InteropEchoServer.closeCommand(4001, "bye"));
        assertEquals(new CloseStatus(4001, "bye"), events.next(ClientEvents.Closed.class).status(), where());
        assertEquals(new CloseStatus(4001, "bye"), c.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertFalse(c.isOpen());
    }

    @Test
    void noExtensionWithoutAnOffer() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = connect(ConnectOptions.defaults(), events);
        c.send(InteropEchoServer.EXTENSIONS_QUERY);
        assertEquals("", events.next(ClientEvents.Text.class).text(), where());
        closeNormally(c, events);
    }

    @Test
    void permessageDeflateIsAgreedAndMessagesStillEcho() throws Exception {
        ClientEvents events = new ClientEvents();
        Connection c = connect(ConnectOptions.builder().extension(new PerMessageDeflateClient()).build(), events);
        c.send(InteropEchoServer.EXTENSIONS_QUERY);
        String agreed = events.next(ClientEvents.Text.class).text();
        assertTrue(agreed.startsWith("permessage-deflate"), where() + " agreed: " + agreed);
        echoesTextBinaryAndLarge(c, events);
        for (int i = 0; i < 3; i++) { // several messages: context takeover across messages
            String text = NON_ASCII + " " + i + " deflate me ".repeat(200);
            c.send(text);
            assertEquals(text, events.next(ClientEvents.Text.class).text(), where());
        }
        closeNormally(c, events);
    }

    @Test
    void permessageDeflateWithANarrowClientWindowAndNoContextTakeover() throws Exception {
        DeflateClientConfig config = DeflateClientConfig.defaults().withClientMaxWindowBits(10)
                .withClientNoContextTakeover(true);
        ClientEvents events = new ClientEvents();
        Connection c = connect(ConnectOptions.builder().extension(new PerMessageDeflateClient(config)).build(),
                events);
        c.send(InteropEchoServer.EXTENSIONS_QUERY);
        String agreed = events.next(ClientEvents.Text.class).text();
        String where = where() + " agreed: " + agreed;
        assertTrue(agreed.startsWith("permessage-deflate"), where);
        Matcher bits = Pattern.compile("client_max_window_bits=(\\d+)").matcher(agreed);
        if (bits.find()) {
            assertTrue(Integer.parseInt(bits.group(1)) <= 10, "the client's window limit is kept: " + where);
        }
        echoesTextBinaryAndLarge(c, events);
        for (int i = 0; i < 3; i++) {
            String text = NON_ASCII + " " + i + " deflate me ".repeat(200);
            c.send(text);
            assertEquals(text, events.next(ClientEvents.Text.class).text(), where);
        }
        closeNormally(c, events);
    }
}
