package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.core.SendResult;
import dev.sleet.core.MessageStream;
import dev.sleet.core.Fragment;
import dev.sleet.core.SendFailedException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Large messages without whole buffering (RFC 6455 §5.4). In: a handler that {@linkplain
 * WebSocketHandler#receivesFragments() receives fragments} gets pieces as they arrive, UTF-8 checked across them and
 * each text piece whole characters, the size cap still enforced. Out: {@link Connection#streamText()} sends one
 * message as fragments from any thread; other data sends never land inside it, control frames may.
 */
@ExtendWith(HandlerThreads.class)
class FragmentStreamingTest {

    /** Records every piece; never buffers a message. */
    static final class PieceRecorder extends RecordingHandler {
        final BlockingQueue<Fragment> pieces = new LinkedBlockingQueue<>();
        volatile int messagesSeen;

        @Override
        public boolean receivesFragments() {
            return true;
        }

        @Override
        public void onFragment(Connection connection, Fragment fragment) {
            HandlerThreads.record("onFragment");
            pieces.add(fragment);
        }

        @Override
        public void onMessage(Connection connection, Message message) throws Exception {
            messagesSeen++;
            super.onMessage(connection, message);
        }

        /** The pieces of the next message, up to its last. */
        List<Fragment> nextMessage() throws InterruptedException {
            List<Fragment> out = new ArrayList<>();
            while (true) {
                Fragment f = pieces.poll(20, TimeUnit.SECONDS);
                if (f == null) {
                    throw new AssertionError("no more pieces after " + out);
                }
                assertEquals(out.isEmpty(), f.isFirst(), "first flag on " + f);
                out.add(f);
                if (f.isLast()) {
                    return out;
                }
            }
        }
    }

    private static WebSocketServer.Builder server(WebSocketHandler h) {
        return WebSocketServer.builder().host("127.0.0.1").port(0).handler(h);
    }

    @Test
    void jdkClientPartsArriveAsPiecesWithTheirLastFlag() throws Exception {
        PieceRecorder handler = new PieceRecorder();
        try (WebSocketServer server = server(handler).start();
                TestClient client = TestClient.connect(server.port())) {
            client.ws.sendText("héllo ", false).get(10, TimeUnit.SECONDS);
            client.ws.sendText("wörld 🌍", false).get(10, TimeUnit.SECONDS);
            client.ws.sendText("!", true).get(10, TimeUnit.SECONDS);
            List<Fragment> msg = handler.nextMessage();
            StringBuilder sb = new StringBuilder();
            for (Fragment f : msg) {
                assertTrue(f.isText());
                sb.append(f.text());
            }
            assertEquals("héllo wörld 🌍!", sb.toString());
            assertTrue(msg.size() >= 3, "one piece per frame at least: " + msg);
            client.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            List<Fragment> bin = handler.nextMessage();
            assertEquals(1, bin.size());
            assertFalse(bin.get(0).isText());
            assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), bin.get(0).data());
            assertEquals(0, handler.messagesSeen, "onMessage is not called in streaming mode");
        }
    }

    @Test
    void textPiecesHoldWholeCharactersWhateverTheFramingAndTcpSplits() throws Exception {
        PieceRecorder handler = new PieceRecorder();
        String text = "a€𝄞b".repeat(300) + "ü"; // 1-, 3-, 4- and 2-byte characters
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (WebSocketServer server = server(handler).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            // Frames of 7 bytes (cutting characters), written to TCP in 5-byte pieces (cutting headers too).
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int i = 0; i < utf8.length; i += 7) {
                int n = Math.min(7, utf8.length - i);
                byte[] part = java.util.Arrays.copyOfRange(utf8, i, i + n);
                wire.writeBytes(RawWebSocket.encode(i + n == utf8.length, 0, i == 0 ? Opcode.TEXT : Opcode.CONTINUATION,
                        part));
            }
            ws.sendInChunks(wire.toByteArray(), 5);
            StringBuilder sb = new StringBuilder();
            for (Fragment f : handler.nextMessage()) {
                String piece = f.text();
                assertFalse(piece.contains("\uFFFD"), "a piece decoded on its own: " + f);
                sb.append(piece);
            }
            assertEquals(text, sb.toString());
        }
    }

    /** Seeded random texts, frame sizes and TCP splits (the seed is in the failure message). */
    @Test
    void seededRandomSplitsNeverCutACharacter() throws Exception {
        PieceRecorder handler = new PieceRecorder();
        String[] alphabet = {"a", "é", "€", "𝄞", "z", "ж", "😀"};
        try (WebSocketServer server = server(handler).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            for (long seed = 1; seed <= 25; seed++) {
                java.util.Random rnd = new java.util.Random(seed);
                StringBuilder t = new StringBuilder();
                for (int i = 0, n = 1 + rnd.nextInt(200); i < n; i++) {
                    t.append(alphabet[rnd.nextInt(alphabet.length)]);
                }
                byte[] utf8 = t.toString().getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                for (int i = 0; i < utf8.length; ) {
                    int n = Math.min(1 + rnd.nextInt(20), utf8.length - i);
                    wire.writeBytes(RawWebSocket.encode(i + n == utf8.length, 0,
                            i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, java.util.Arrays.copyOfRange(utf8, i, i + n)));
                    i += n;
                }
                ws.sendInChunks(wire.toByteArray(), 1 + rnd.nextInt(13));
                StringBuilder got = new StringBuilder();
                for (Fragment f : handler.nextMessage()) {
                    String piece = f.text();
                    assertFalse(piece.contains("\uFFFD"), "seed " + seed + ": a piece decoded on its own: " + f);
                    got.append(piece);
                }
                assertEquals(t.toString(), got.toString(), "seed " + seed);
            }
        }
    }

    @Test
    void badUtf8AcrossPiecesCloses1007AndTheCapStillCloses1009() throws Exception {
        PieceRecorder handler = new PieceRecorder();
        try (WebSocketServer server = server(handler).maxMessageSize(1000).start()) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
                ws.sendFrame(false, 0, Opcode.TEXT, new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x82});
                ws.sendFrame(true, 0, Opcode.CONTINUATION, new byte[] {'x'}); // 0xE2 0x82 'x': not UTF-8
                assertEquals(1007, ws.awaitClose(Duration.ofSeconds(20)).closeCode());
            }
            handler.awaitClose();
            try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
                ws.sendFrame(false, 0, Opcode.BINARY, new byte[400]);
                ws.sendFrame(false, 0, Opcode.CONTINUATION, new byte[400]);
                ws.sendFrame(true, 0, Opcode.CONTINUATION, new byte[400]); // 1200 > 1000
                assertEquals(1009, ws.awaitClose(Duration.ofSeconds(20)).closeCode());
            }
            handler.awaitClose();
            long received = 0;
            for (Fragment f; (f = handler.pieces.poll()) != null; ) {
                received += f.size();
                assertFalse(f.isLast(), "a refused message never ends: " + f);
            }
            assertTrue(received <= 1000 + 2, "nothing past the cap was delivered: " + received);
        }
    }

    @Test
    void aLargeMessageArrivesInPiecesNoneOfThemWhole() throws Exception {
        PieceRecorder handler = new PieceRecorder();
        int size = 8 << 20;
        try (WebSocketServer server = server(handler).maxMessageSize(size).start();
                TestClient client = TestClient.connect(server.port())) {
            byte[] data = new byte[size];
            new java.util.Random(14).nextBytes(data);
            client.ws.sendBinary(ByteBuffer.wrap(data), true).get(20, TimeUnit.SECONDS);
            List<Fragment> msg = handler.nextMessage();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int largest = 0;
            for (Fragment f : msg) {
                ByteBuffer d = f.data();
                byte[] b = new byte[d.remaining()];
                d.get(b);
                got.writeBytes(b);
                largest = Math.max(largest, b.length);
            }
            assertArrayEquals(data, got.toByteArray());
            assertTrue(largest <= 64 * 1024, "each piece is at most one read: " + largest);
        }
    }

    /** The JDK client's view of incoming text: each part with its last flag. */
    static final class PartListener implements WebSocket.Listener {
        final BlockingQueue<String> parts = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.add(data + (last ? "|LAST" : ""));
            webSocket.request(1);
            return null;
        }
    }

    /** The next whole message from the parts: the concatenation up to a part marked last. */
    private static String nextMessage(BlockingQueue<String> parts, List<Boolean> lastFlags) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String p = parts.poll(20, TimeUnit.SECONDS);
            if (p == null) {
                throw new AssertionError("no part after " + sb);
            }
            boolean last = p.endsWith("|LAST");
            lastFlags.add(last);
            sb.append(last ? p.substring(0, p.length() - 5) : p);
            if (last) {
                return sb.toString();
            }
        }
    }

    @Test
    void aStreamedMessageReachesTheJdkClientInPiecesAndOtherSendsWaitBehindIt() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        PartListener listener = new PartListener();
        try (WebSocketServer server = server(handler).start()) {
            WebSocket ws = TestClient.HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), listener).get(10, TimeUnit.SECONDS);
            Connection c = handler.opened.poll(20, TimeUnit.SECONDS);
            MessageStream stream = c.streamText();
            // Pieces from another thread; a whole message sent meanwhile must not land inside the streamed one.
            Thread producer = Thread.ofPlatform().start(() -> {
                assertEquals(SendResult.ENQUEUED, stream.send("one ", false));
                assertEquals(SendResult.ENQUEUED, stream.send("two ", false));
            });
            producer.join();
            CompletableFuture<Void> held = c.sendAsync("whole").toCompletableFuture();
            assertThrows(IllegalStateException.class, c::streamBinary, "one streamed message at a time");
            assertEquals(SendResult.ENQUEUED, stream.send("three", true));
            assertTrue(stream.isDone());
            assertThrows(IllegalStateException.class, () -> stream.send("more", true));
            List<Boolean> flags = new ArrayList<>();
            assertEquals("one two three", nextMessage(listener.parts, flags));
            assertTrue(flags.size() >= 3 && !flags.get(0), "the client saw it in parts: " + flags);
            assertEquals("whole", nextMessage(listener.parts, new ArrayList<>()));
            held.get(20, TimeUnit.SECONDS);
            ws.abort();
        }
    }

    @Test
    void onTheWireControlFramesMayGoBetweenPiecesDataNever() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = server(handler).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            Connection c = handler.opened.poll(20, TimeUnit.SECONDS);
            try (MessageStream stream = c.streamBinary()) {
                stream.send(ByteBuffer.wrap(new byte[] {1}), false);
                assertEquals(SendResult.ENQUEUED, c.send("held"));
                assertEquals(SendResult.ENQUEUED, c.ping(ByteBuffer.wrap(new byte[] {9})));
                stream.send(ByteBuffer.wrap(new byte[] {2}), false);
                // abandoned: close() ends the message with an empty last piece, and "held" follows
            }
            List<String> frames = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(20));
                frames.add(f.opcode() + (f.fin() ? "" : "+") + java.util.Arrays.toString(f.payload()));
            }
            String held = "TEXT" + java.util.Arrays.toString("held".getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("BINARY+[1]", "PING[9]", "CONTINUATION+[2]", "CONTINUATION[]", held), frames);
        }
    }

    @Test
    void closingWhileAStreamIsOpenCutsItAndFailsWhatWasHeld() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = server(handler).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            Connection c = handler.opened.poll(20, TimeUnit.SECONDS);
            MessageStream stream = c.streamText();
            stream.send("begun", false);
            CompletableFuture<Void> held = c.sendAsync("never").toCompletableFuture();
            c.close(4000, "bye");
            assertEquals(SendResult.CLOSED, stream.send("end", true));
            assertTrue(stream.isDone());
            RawWebSocket.Frame first = ws.readFrame(Duration.ofSeconds(20));
            assertEquals(Opcode.TEXT, first.opcode());
            assertFalse(first.fin());
            RawWebSocket.Frame close = ws.readFrame(Duration.ofSeconds(20));
            assertEquals(Opcode.CLOSE, close.opcode(), "the close goes between pieces; the held message never");
            assertEquals(4000, close.closeCode());
            ws.sendClose(4000, "");
            handler.awaitClose();
            try {
                held.get(20, TimeUnit.SECONDS);
                throw new AssertionError("the held send completed");
            } catch (ExecutionException e) {
                SendFailedException x = assertInstanceOf(SendFailedException.class, e.getCause());
                assertEquals(4000, x.closeStatus().orElseThrow().code());
            }
            stream.close(); // does nothing now, and does not throw
        }
    }
}
