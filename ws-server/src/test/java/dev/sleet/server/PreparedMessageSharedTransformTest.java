package dev.sleet.server;

import dev.sleet.core.PreparedMessage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.spi.OutboundTransform;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Broadcast through an extension (RFC 7692 §7.1.1.1 makes a server without context takeover compress each message
 * alone): a {@link PreparedMessage} is transformed once per distinct context-free key and the frame shared; a
 * transform that keeps context is run for every connection.
 */
class PreparedMessageSharedTransformTest {

    /** Reverses the payload and counts its calls; context-free under {@code key} unless key is null. */
    static final class Reverse implements OutboundTransform {
        final Object key;
        final AtomicInteger calls;

        Reverse(Object key, AtomicInteger calls) {
            this.key = key;
            this.calls = calls;
        }

        @Override
        public int rsvBits() {
            return Rsv.RSV1;
        }

        @Override
        public ByteBuffer transform(Opcode opcode, ByteBuffer payload) {
            calls.incrementAndGet();
            byte[] b = new byte[payload.remaining()];
            payload.get(payload.position(), b);
            for (int i = 0, j = b.length - 1; i < j; i++, j--) {
                byte t = b[i];
                b[i] = b[j];
                b[j] = t;
            }
            return ByteBuffer.wrap(b);
        }

        @Override
        public Object contextFreeKey() {
            return key;
        }

        @Override
        public void close() {
        }
    }

    static String frameText(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.get(frame.position(), b);
        return new String(b, 2, b.length - 2, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void oneTransformPerDistinctKey() {
        PreparedMessage m = PreparedMessage.text("abc");
        AtomicInteger calls = new AtomicInteger();
        ByteBuffer first = null;
        for (int member = 0; member < 100; member++) {
            ByteBuffer f = m.frame(new Reverse(List.of("level", 6), calls)); // equal keys, distinct objects
            if (first == null) {
                first = f;
            }
            assertSame(first, f, "one shared frame");
        }
        assertEquals(1, calls.get());
        assertEquals(0xC1, first.get(first.position()) & 0xFF, "FIN, RSV1, text");
        assertEquals("cba", frameText(first));
        ByteBuffer other = m.frame(new Reverse(List.of("level", 1), calls));
        assertEquals(2, calls.get(), "another parameter set: one more transform");
        assertNotSame(first, other);
        assertSame(m.frame(), m.frame(null), "no extension: the plain frame");
    }

    @Test
    void transformsWithContextRunForEveryConnection() {
        PreparedMessage m = PreparedMessage.binary(new byte[] {1, 2, 3});
        AtomicInteger calls = new AtomicInteger();
        for (int member = 0; member < 10; member++) {
            m.frame(new Reverse(null, calls));
        }
        assertEquals(10, calls.get());
    }

    @Test
    void concurrentSendersShareOneTransform() throws InterruptedException {
        PreparedMessage m = PreparedMessage.text("shared by everyone");
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<ByteBuffer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100; i++) {
                    seen.add(m.frame(new Reverse("k", calls)));
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, calls.get());
        assertEquals(800, seen.size());
        seen.forEach(f -> assertSame(seen.get(0), f));
    }
}
