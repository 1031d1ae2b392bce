package dev.sleet.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.internal.Wire;
import dev.sleet.frame.Frames;
import dev.sleet.frame.MaskKeySource;
import dev.sleet.frame.Masker;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskingWire} against a socket that takes a random number of bytes per write (often none): the request
 * passes through, every frame comes out masked and unmasks to what was queued, whatever the write boundaries, and
 * the wire never holds more than one chunk of masked bytes the socket did not take.
 */
class MaskingWireTest {

    /** A socket that takes at most {@code budget} bytes until refilled. */
    static final class StingySocket implements Wire {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        int budget;

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(budget, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            taken.writeBytes(b);
            budget -= n;
            return n;
        }

        @Override
        public boolean hasPendingOutput() {
            return false;
        }

        @Override
        public boolean flushPending() {
            return true;
        }

        @Override
        public void close() {
        }

        @Override
        public void abort() {
        }
    }

    @Test
    void framesComeOutMaskedAcrossAnyWriteBoundariesAndPendingStaysWithinAChunk() throws Exception {
        Random r = new Random(11);
        byte[] request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> payloads = new ArrayList<>();
        ByteArrayOutputStream queued = new ByteArrayOutputStream();
        queued.writeBytes(request);
        for (int i = 0; i < 60; i++) {
            int size = switch (i % 4) { // 7-bit, 16-bit and 64-bit lengths, and empty frames
                case 0 -> r.nextInt(126);
                case 1 -> 126 + r.nextInt(65_000);
                case 2 -> 65_536 + r.nextInt(200_000);
                default -> 0;
            };
            byte[] p = new byte[size];
            r.nextBytes(p);
            payloads.add(p);
            ByteBuffer f = Frames.binary(p);
            byte[] fb = new byte[f.remaining()];
            f.get(fb);
            queued.writeBytes(fb);
        }
        ByteBuffer src = ByteBuffer.wrap(queued.toByteArray());
        StingySocket socket = new StingySocket();
        MaskingWire wire = new MaskingWire(socket, new MaskKeySource(), request.length);
        int rounds = 0;
        while (src.hasRemaining() || wire.hasPendingOutput()) {
            socket.budget = r.nextInt(4) == 0 ? 0 : r.nextInt(100_000); // a full socket now and then
            if (wire.flushPending() && src.hasRemaining()) {
                // the flusher stages at most its buffer's worth at a time
                ByteBuffer staged = src.slice(src.position(), Math.min(src.remaining(), 256 * 1024));
                int taken = wire.write(staged);
                src.position(src.position() + taken);
            }
            assertTrue(wire.pendingBytes() <= MaskingWire.CHUNK, "pending " + wire.pendingBytes());
            assertTrue(++rounds < 100_000, "no progress");
        }

        ByteBuffer out = ByteBuffer.wrap(socket.taken.toByteArray());
        byte[] head = new byte[request.length];
        out.get(head);
        assertArrayEquals(request, head);
        for (byte[] expected : payloads) {
            assertEquals(0x82, out.get() & 0xFF);
            int b1 = out.get() & 0xFF;
            assertTrue((b1 & 0x80) != 0, "masked");
            int code = b1 & 0x7F;
            long len = code == 126 ? out.getShort() & 0xFFFF : code == 127 ? out.getLong() : code;
            assertEquals(expected.length, len);
            int key = out.getInt();
            ByteBuffer payload = out.slice(out.position(), (int) len);
            ByteBuffer copy = ByteBuffer.allocate((int) len).put(payload).flip();
            Masker.mask(copy, 0, (int) len, key, 0);
            assertArrayEquals(expected, copy.array());
            out.position(out.position() + (int) len);
        }
        assertEquals(0, out.remaining());
    }
}
