package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.core.SendResult;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Connection.send(Message)}: a message sent back while its handler runs goes out in the frame it arrived in
 * (the server keeps each received message as its own unmasked frame), and must be byte for byte the message, with a
 * correct header at every length where the header changes size (125/126, 65535/65536 — RFC 6455 §5.2), for text
 * (ASCII and mixed-script) and binary, whole or assembled from fragments. The paths that cannot reuse the arrival
 * frame must give the same bytes: a message sent after its handler returned, and one sent to another connection.
 * (With permessage-deflate the send is compressed instead: {@code DeflateEchoEndToEndTest} in ws-examples echoes
 * through {@code EchoServer.Echo}, which sends the received message.)
 */
@ExtendWith(HandlerThreads.class)
class SendReceivedMessageTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int[] SIZES = {0, 1, 124, 125, 126, 127, 4096, 65535, 65536, 70_001};

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int echoServer() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxMessageSize(1 << 20)
                .handler(new WebSocketHandler() {
                    @Override
                    public void onMessage(Connection connection, Message message) {
                        HandlerThreads.record("onMessage");
                        SendResult r = connection.send(message);
                        if (r != SendResult.ENQUEUED) {
                            connection.close(1011, "send returned " + r);
                        }
                    }
                }).start();
        return server.port();
    }

    private static byte[] binary(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String mixedText(int utf8Size) {
        String[] pieces = {"a", "ж", "中", "😀", " "};
        Random r = new Random(utf8Size);
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        while (true) {
            String p = pieces[r.nextInt(pieces.length)];
            int n = p.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > utf8Size) {
                break;
            }
            sb.append(p);
            bytes += n;
        }
        return sb.append("a".repeat(utf8Size - bytes)).toString(); // exactly utf8Size bytes
    }

    /** One whole unmasked final frame of the expected kind and payload, nothing else. */
    private static void assertEcho(RawWebSocket ws, Opcode opcode, byte[] payload) throws Exception {
        RawWebSocket.Frame f = ws.readFrame(WAIT);
        assertEquals(opcode, f.opcode(), "opcode of the echo of " + payload.length + " bytes");
        assertTrue(f.fin(), "a whole message is one final frame");
        assertEquals(0, f.rsv());
        assertArrayEquals(payload, f.payload(), "payload of " + payload.length + " bytes");
    }

    @Test
    void binaryAndTextComeBackExactlyAtEveryHeaderSize() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(echoServer())) {
            for (int size : SIZES) {
                byte[] data = binary(size, size);
                ws.sendBinary(data);
                assertEcho(ws, Opcode.BINARY, data);

                String ascii = "x".repeat(size);
                ws.sendText(ascii);
                assertEcho(ws, Opcode.TEXT, ascii.getBytes(StandardCharsets.UTF_8));

                String mixed = mixedText(size);
                ws.sendText(mixed);
                assertEcho(ws, Opcode.TEXT, mixed.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void fragmentedMessagesComeBackWhole() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(echoServer())) {
            byte[] data = binary(70_001, 7);
            ws.sendFrame(false, 0, Opcode.BINARY, java.util.Arrays.copyOfRange(data, 0, 100));
            ws.sendFrame(false, 0, Opcode.CONTINUATION, java.util.Arrays.copyOfRange(data, 100, 40_000));
            ws.sendFrame(true, 0, Opcode.CONTINUATION, java.util.Arrays.copyOfRange(data, 40_000, data.length));
            assertEcho(ws, Opcode.BINARY, data);

            byte[] text = mixedText(300).getBytes(StandardCharsets.UTF_8);
            ws.sendFrame(false, 0, Opcode.TEXT, java.util.Arrays.copyOfRange(text, 0, 150));
            ws.sendFrame(true, 0, Opcode.CONTINUATION, java.util.Arrays.copyOfRange(text, 150, text.length));
            assertEcho(ws, Opcode.TEXT, text);
        }
    }

    @Test
    void aMessageKeptAndSentLaterOrToAnotherConnectionIsTheSameMessage() throws Exception {
        BlockingQueue<Connection> joined = new ArrayBlockingQueue<>(2);
        CountDownLatch bothOpen = new CountDownLatch(2);
        BlockingQueue<Message> kept = new ArrayBlockingQueue<>(8);
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxMessageSize(1 << 20)
                .handler(new WebSocketHandler() {
                    @Override
                    public void onOpen(Connection connection) {
                        joined.add(connection);
                        bothOpen.countDown();
                    }

                    @Override
                    public void onMessage(Connection connection, Message message) {
                        HandlerThreads.record("onMessage");
                        if (message instanceof Message.Text t && t.text().equals("flush")) {
                            for (Message m; (m = kept.poll()) != null; ) {
                                connection.send(m); // after the handler that received it returned
                            }
                            return;
                        }
                        kept.add(message);
                        for (Connection other : joined) {
                            if (other != connection) {
                                other.send(message); // another connection's send: not this actor's turn there
                            }
                        }
                    }
                }).start();
        try (RawWebSocket a = RawWebSocket.connect(server.port()); RawWebSocket b = RawWebSocket.connect(server.port())) {
            assertTrue(bothOpen.await(10, TimeUnit.SECONDS), "both connections opened");
            byte[] data = binary(65536, 3);
            String text = mixedText(126);
            a.sendBinary(data);
            assertEcho(b, Opcode.BINARY, data);
            a.sendText(text);
            assertEcho(b, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
            a.sendText("flush");
            assertEcho(a, Opcode.BINARY, data);
            assertEcho(a, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
