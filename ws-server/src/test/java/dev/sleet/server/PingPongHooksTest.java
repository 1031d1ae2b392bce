package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.core.SendResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link WebSocketHandler#onPing} and {@link WebSocketHandler#onPong}: each ping and pong the peer sends reaches the
 * handler with its payload, in the actor, in order with the messages around it; the server still answers every ping
 * with its pong (RFC 6455 §5.5.2).
 */
@ExtendWith(HandlerThreads.class)
class PingPongHooksTest {

    /** Records messages, pings and pongs as one ordered list of strings. */
    static final class Watcher extends RecordingHandler {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(Connection connection, Message message) {
            HandlerThreads.record("onMessage");
            events.add("message:" + ((Message.Text) message).text());
        }

        @Override
        public void onPing(Connection connection, ByteBuffer payload) {
            HandlerThreads.record("onPing");
            assertTrue(payload.isReadOnly());
            events.add("ping:" + StandardCharsets.UTF_8.decode(payload));
        }

        @Override
        public void onPong(Connection connection, ByteBuffer payload) {
            HandlerThreads.record("onPong");
            events.add("pong:" + StandardCharsets.UTF_8.decode(payload));
        }
    }

    @Test
    void hooksSeeThePayloadsInOrderWithMessagesAndPingsAreStillAnswered() throws Exception {
        Watcher handler = new Watcher();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            byte[] max = "x".repeat(125).getBytes(StandardCharsets.UTF_8);
            ws.sendFrame(true, 0, Opcode.PING, "p1".getBytes(StandardCharsets.UTF_8));
            ws.sendText("m1");
            ws.sendFrame(true, 0, Opcode.PONG, "q1".getBytes(StandardCharsets.UTF_8));
            // a ping between the fragments of a message: delivered before the message it interrupts ends
            ws.sendFrame(false, 0, Opcode.TEXT, "m".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(true, 0, Opcode.PING, new byte[0]);
            ws.sendFrame(true, 0, Opcode.CONTINUATION, "2".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(true, 0, Opcode.PING, max);
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String e = handler.events.poll(20, TimeUnit.SECONDS);
                assertTrue(e != null, "event " + i + " after " + seen);
                seen.add(e);
            }
            assertEquals(List.of("ping:p1", "message:m1", "pong:q1", "ping:", "message:m2", "ping:" + "x".repeat(125)),
                    seen);
            List<String> pongs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(20));
                assertEquals(Opcode.PONG, f.opcode());
                pongs.add(new String(f.payload(), StandardCharsets.UTF_8));
            }
            assertEquals(List.of("p1", "", "x".repeat(125)), pongs, "the automatic pongs still go out, in order");
        }
    }

    @Test
    void aPongAnsweringTheHandlersOwnPingCarriesItsPayload() throws Exception {
        Watcher handler = new Watcher();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                TestClient client = TestClient.connect(server.port())) {
            Connection c = handler.opened.poll(20, TimeUnit.SECONDS);
            assertEquals(SendResult.ENQUEUED, c.ping(ByteBuffer.wrap("t=42".getBytes(StandardCharsets.UTF_8))));
            // the JDK client answers pings itself
            assertEquals("pong:t=42", handler.events.poll(20, TimeUnit.SECONDS));
        }
    }
}
