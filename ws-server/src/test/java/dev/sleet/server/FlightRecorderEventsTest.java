package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The core's Flight Recorder events ({@code dev.sleet.*}, docs/observability.md), recorded in this JVM with a
 * {@link RecordingStream} while real clients talk to a server on loopback. The event classes live in a package the
 * module does not export; these tests run on the module path, so they also show that recording needs no access.
 * Other tests' servers may run at the same time: every assertion picks its events by connection id or client port.
 */
class FlightRecorderEventsTest {
    static final String[] EVENTS = {"dev.sleet.ConnectionOpened", "dev.sleet.ConnectionClosed",
            "dev.sleet.HandshakeRejected", "dev.sleet.SlowConsumerClose", "dev.sleet.InboundPaused",
            "dev.sleet.InboundResumed", "dev.sleet.AcceptPaused"};

    private RecordingStream stream;
    private final BlockingQueue<RecordedEvent> seen = new LinkedBlockingQueue<>();

    @BeforeEach
    void record() throws InterruptedException {
        stream = new RecordingStream();
        stream.setReuse(false); // the events are kept past the callback
        for (String name : EVENTS) {
            stream.enable(name);
            stream.onEvent(name, seen::add);
        }
        CountDownLatch started = new CountDownLatch(1);
        stream.onFlush(started::countDown);
        stream.startAsync();
        assertTrue(started.await(20, TimeUnit.SECONDS), "the recording stream started");
    }

    @AfterEach
    void stop() {
        stream.close();
    }

    /** The first event named {@code name} that matches, waiting for the stream's next flushes. */
    private RecordedEvent await(String name, Predicate<RecordedEvent> matching) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        java.util.List<RecordedEvent> others = new java.util.ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                RecordedEvent e = seen.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) {
                    continue;
                }
                if (e.getEventType().getName().equals(name) && matching.test(e)) {
                    return e;
                }
                others.add(e);
            }
            throw new AssertionError("no " + name + " event; saw " + others);
        } finally {
            seen.addAll(others);
        }
    }

    private static Predicate<RecordedEvent> connection(long id) {
        return e -> e.getLong("connectionId") == id;
    }

    @Test
    void openAndPeerCloseGiveOpenedAndClosedEvents() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .subprotocols("chat").start();
                RawWebSocket ws = RawWebSocket.connect(server.port(), "/rooms/1?x=y",
                        "Sec-WebSocket-Protocol: chat\r\n")) {
            long id = handler.awaitOpen().id();
            String client = "127.0.0.1:" + ws.socket().getLocalPort();
            RecordedEvent opened = await("dev.sleet.ConnectionOpened", connection(id));
            assertEquals(client, opened.getString("remoteAddress"));
            assertEquals("/rooms/1", opened.getString("path"));
            assertEquals("chat", opened.getString("subprotocol"));
            assertEquals("nio", opened.getString("transport"));

            ws.sendClose(1000, "bye");
            assertEquals(1000, handler.awaitClose().code());
            RecordedEvent closed = await("dev.sleet.ConnectionClosed", connection(id));
            assertEquals(1000, closed.getInt("closeCode"));
            assertEquals("bye", closed.getString("reason"));
            assertEquals("peer-close", closed.getString("cause"));
            assertEquals(client, closed.getString("remoteAddress"));
            assertTrue(closed.getStartTime().compareTo(opened.getStartTime()) >= 0);
        }
    }

    @Test
    void serverCloseAndHandlerCrashAreToldApart() throws Exception {
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                if (message instanceof Message.Text t && t.text().equals("crash")) {
                    throw new IllegalStateException("planted");
                }
                connection.close(new CloseStatus(4000, "done"));
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                RawWebSocket closing = RawWebSocket.connect(server.port());
                RawWebSocket crashing = RawWebSocket.connect(server.port())) {
            long first = handler.awaitOpen().id();
            long second = handler.awaitOpen().id();
            closing.sendText("close me");
            RawWebSocket.Frame f = closing.awaitClose(Duration.ofSeconds(10));
            assertEquals(4000, f.closeCode());
            closing.sendClose(4000, "");
            crashing.sendText("crash");
            assertEquals(1011, crashing.awaitClose(Duration.ofSeconds(10)).closeCode());

            // The two connections opened in either order; each one's event says what ended it.
            RecordedEvent a = await("dev.sleet.ConnectionClosed", connection(first));
            RecordedEvent b = await("dev.sleet.ConnectionClosed", connection(second));
            RecordedEvent byServer = a.getInt("closeCode") == 4000 ? a : b;
            RecordedEvent byCrash = byServer == a ? b : a;
            assertEquals(4000, byServer.getInt("closeCode"));
            assertEquals("done", byServer.getString("reason"));
            assertEquals("server-close", byServer.getString("cause"));
            assertEquals(1011, byCrash.getInt("closeCode"));
            assertEquals("handler-crash", byCrash.getString("cause"));
        }
    }

    @Test
    void protocolErrorAndShutdownAreToldApart() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
        try (RawWebSocket broken = RawWebSocket.connect(server.port());
                RawWebSocket going = RawWebSocket.connect(server.port())) {
            long first = handler.awaitOpen().id();
            long second = handler.awaitOpen().id();
            broken.sendRaw(new byte[] {(byte) 0x81, 0x00}); // an unmasked client frame (RFC 6455 §5.1): 1002
            assertEquals(1002, broken.awaitClose(Duration.ofSeconds(10)).closeCode());
            RecordedEvent byError = await("dev.sleet.ConnectionClosed",
                    e -> (e.getLong("connectionId") == first || e.getLong("connectionId") == second)
                            && e.getInt("closeCode") == 1002);
            assertEquals("protocol-error", byError.getString("cause"));
            long other = byError.getLong("connectionId") == first ? second : first;
            Thread peer = Thread.ofVirtual().start(() -> {
                try {
                    going.sendClose(going.awaitClose(Duration.ofSeconds(10)).closeCode(), "");
                } catch (java.io.IOException ignored) {
                    // the server drops it at the timeout then
                }
            });
            server.shutdown(Duration.ofSeconds(10));
            peer.join();
            RecordedEvent byShutdown = await("dev.sleet.ConnectionClosed", connection(other));
            assertEquals(1001, byShutdown.getInt("closeCode"));
            assertEquals("shutdown", byShutdown.getString("cause"), "the peer's echo does not change the cause");
        } finally {
            server.close();
        }
    }

    @Test
    void aPeerThatNeverPongsIsClosedForATimeout() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .pingInterval(Duration.ofMillis(200)).pongTimeout(Duration.ofMillis(200)).start();
                RawWebSocket silent = RawWebSocket.connect(server.port())) { // reads pings, never answers
            long id = handler.awaitOpen().id();
            RawWebSocket.Frame close = silent.awaitClose(Duration.ofSeconds(10));
            assertNotNull(close, "the heartbeat closed the connection");
            assertEquals(1001, close.closeCode());
            RecordedEvent closed = await("dev.sleet.ConnectionClosed", connection(id));
            assertEquals(1001, closed.getInt("closeCode"));
            assertEquals("timeout", closed.getString("cause"));
        }
    }

    @Test
    void malformedUpgradeGivesARejectedEventWith400() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).start();
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            // No Sec-WebSocket-Key (RFC 6455 §4.2.1 item 5): 400.
            String request = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (ch.read(in) >= 0 && in.position() < 12) {
                // the status line
            }
            assertTrue(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 400"));
            String client = "127.0.0.1:" + ((InetSocketAddress) ch.getLocalAddress()).getPort();
            RecordedEvent rejected = await("dev.sleet.HandshakeRejected",
                    e -> client.equals(e.getString("remoteAddress")));
            assertEquals(400, rejected.getInt("status"));
            assertNotNull(rejected.getString("reason"));
            assertTrue(rejected.getLong("connectionId") != 0);
        }
    }

    @Test
    void slowConsumerGivesASlowConsumerEventAndA1008Close() throws Exception {
        SlowConsumerTest.Flooder handler = new SlowConsumerTest.Flooder();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(SlowConsumerTest.CAP).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.socket().setReceiveBufferSize(4096);
            long id = handler.awaitOpen().id();
            assertEquals(1008, handler.awaitClose().code());
            RecordedEvent slow = await("dev.sleet.SlowConsumerClose", connection(id));
            assertEquals(SlowConsumerTest.CAP, slow.getLong("cap"));
            long queued = slow.getLong("queuedBytes");
            long message = slow.getLong("messageBytes");
            assertEquals(SlowConsumerTest.CHUNK.length + 4, message, "a 16 KiB binary frame has a 4-byte header");
            assertTrue(queued + message + 64 > SlowConsumerTest.CAP && queued <= SlowConsumerTest.CAP,
                    "the send that overflowed: " + queued + " queued + " + message);
            RecordedEvent closed = await("dev.sleet.ConnectionClosed", connection(id));
            assertEquals(1008, closed.getInt("closeCode"));
            assertEquals("server-close", closed.getString("cause"));
        }
    }

    @Test
    void floodToAStuckHandlerGivesPausedThenResumedEvents() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onMessage(Connection connection, Message message) throws InterruptedException {
                stuck.await(60, TimeUnit.SECONDS);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .blockingHandlers(true).start();
                SocketChannel ch = RawSockets.upgraded(server.port())) {
            long id = handler.awaitOpen().id();
            RecordedEvent paused;
            try {
                floodUntilTheServerStopsReading(ch);
                paused = await("dev.sleet.InboundPaused", connection(id));
            } finally {
                stuck.countDown();
            }
            assertEquals(4L << 20, paused.getLong("highWater"));
            assertTrue(paused.getLong("queuedBytes") > 4L << 20, "paused above the high-water mark");
            RecordedEvent resumed = await("dev.sleet.InboundResumed", connection(id));
            assertTrue(resumed.getLong("queuedBytes") < 1L << 20, "resumed below the low-water mark");
            assertTrue(resumed.getDuration("pausedFor").toNanos() > 0);
        }
    }

    /** Writes empty text frames until the server has taken nothing for about a second. */
    private static void floodUntilTheServerStopsReading(SocketChannel ch) throws Exception {
        byte[] one = RawWebSocket.encode(true, 0, Opcode.TEXT, new byte[0]);
        byte[] chunk = new byte[one.length * 10_000];
        for (int i = 0; i < 10_000; i++) {
            System.arraycopy(one, 0, chunk, i * one.length, one.length);
        }
        long written = RawSockets.writeUntilStalled(ch, () -> ByteBuffer.wrap(chunk), InboundPauseTest.TOTAL);
        assertTrue(written < InboundPauseTest.TOTAL, "the server stopped reading; it took " + written + " bytes");
    }

    @Test
    void eventsAreNamedAndCategorized() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            long id = handler.awaitOpen().id();
            RecordedEvent opened = await("dev.sleet.ConnectionOpened", connection(id));
            assertEquals(java.util.List.of("Sleet", "WebSocket"), opened.getEventType().getCategoryNames());
            assertEquals("WebSocket Connection Opened", opened.getEventType().getLabel());
            assertNull(opened.getString("subprotocol"));
            assertNull(opened.getStackTrace(), "no stack traces: they would cost on every connection");
        }
    }
}
