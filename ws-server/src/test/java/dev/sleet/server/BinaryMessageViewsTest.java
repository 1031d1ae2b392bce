package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Message.Binary} is a value: reading the buffer {@link Message.Binary#data()} hands out moves only that
 * view, never the message's size, equality, hash or bytes; no view can write the payload.
 */
@ExtendWith(HandlerThreads.class)
class BinaryMessageViewsTest {

    @Test
    void readingAViewLeavesTheMessageWhole() {
        Message.Binary m = Message.Binary.wrap(new byte[] {1, 2, 3, 4});
        Message.Binary same = Message.Binary.wrap(new byte[] {1, 2, 3, 4});
        int hash = m.hashCode();

        ByteBuffer view = m.data();
        assertEquals(1, view.get());
        view.get(new byte[2]);
        assertEquals(1, view.remaining());

        assertEquals(4, m.size());
        assertEquals(same, m);
        assertEquals(hash, m.hashCode());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, m.toByteArray());
        assertEquals(4, m.data().remaining(), "each call hands out a fresh view at the first byte");
        assertNotSame(m.data(), m.data());
    }

    @Test
    void viewsCannotWriteThePayload() {
        Message.Binary m = Message.Binary.wrap(new byte[] {7});
        assertTrue(m.data().isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> m.data().put(0, (byte) 9));
        assertArrayEquals(new byte[] {7}, m.toByteArray());
    }

    @Test
    void theConstructorTakesTheRemainingBytesAndIgnoresLaterMovesOfTheCallersBuffer() {
        ByteBuffer src = ByteBuffer.wrap(new byte[] {0, 5, 6, 0});
        src.position(1).limit(3);
        Message.Binary m = new Message.Binary(src);
        src.position(3);
        assertEquals(2, m.size());
        assertArrayEquals(new byte[] {5, 6}, m.toByteArray());
        assertEquals(0, m.data().position());
    }

    @Test
    void aHandlerThatDrainsTheMessageStillEchoesItWhole() throws Exception {
        WebSocketHandler drainThenEcho = new WebSocketHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                if (message instanceof Message.Binary b) {
                    ByteBuffer first = b.data();
                    first.position(first.limit()); // a handler reads the whole payload...
                    connection.send(b.data());      // ...then sends the message on: all of it goes
                    connection.send(b.toByteArray());
                    connection.send("size " + b.size());
                }
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(drainThenEcho)
                .start();
             TestClient c = TestClient.connect(server.port())) {
            byte[] payload = {10, 20, 30, 40, 50};
            c.ws.sendBinary(ByteBuffer.wrap(payload), true).get(5, TimeUnit.SECONDS);
            assertArrayEquals(payload, c.awaitBinary());
            assertArrayEquals(payload, c.awaitBinary());
            assertEquals("size 5", c.awaitText());
        }
    }
}
