package dev.sleet.client.internal;

import dev.sleet.core.internal.Wire;
import dev.sleet.frame.MaskKeySource;
import dev.sleet.frame.Masker;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The client's side of RFC 6455 §5.3 at the wire: the connection core queues frames as a server would write them
 * (unmasked), and this wire writes each one masked with a fresh key from the connection's {@link MaskKeySource}.
 * The bytes written first (the upgrade request) pass through unchanged. The queued frames are never touched, so a
 * frame shared by many connections (a prepared broadcast) is masked per connection, into a scratch buffer.
 *
 * <p>The byte stream it is given is parsed across calls: a frame header may end in a later call than it began, and a
 * payload may span many calls (the masking phase carries over). Bytes are taken from the source only when their
 * masked form is produced, one chunk of {@link #CHUNK} bytes at a time, and the next chunk only once the socket took
 * the last one whole: what the socket does not take (at most one chunk, outside the connection's outbound cap, like a
 * TLS wire's unsent record) is kept here ({@link #hasPendingOutput()}).
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>all fields</td><td>the connection's current writer (loop, or the actor's worker)</td><td>the same</td>
 *       <td>one writer at a time: the flusher's state CAS hands the wire over</td></tr>
 * </table>
 */
final class MaskingWire implements Wire {
    /** Masked bytes produced per socket write: the most this wire holds once the socket stops taking bytes. */
    static final int CHUNK = 64 * 1024;
    /** Masked output is built here, one chunk at a time, per writing thread. */
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));
    /** Room a header and its key need: 2 + 8 length bytes + 4 key bytes. */
    private static final int MAX_HEADER = 14;

    private final Wire inner;
    private final MaskKeySource keys;
    /** Bytes still to pass through unmasked (the request). */
    private long passThrough;
    /** The header of the frame being read from the source; {@code headerLength} bytes of it so far. */
    private final byte[] header = new byte[10];
    private int headerLength;
    /** Payload bytes of the current frame not yet masked; its key and phase. */
    private long payloadLeft;
    private int key;
    private int phase;
    /** Masked bytes the socket did not take yet. */
    private ByteBuffer leftover;

    MaskingWire(Wire inner, MaskKeySource keys, long passThrough) {
        this.inner = inner;
        this.keys = keys;
        this.passThrough = passThrough;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return inner.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!flushPending()) {
            return 0;
        }
        ByteBuffer out = SCRATCH.get();
        int start = src.position();
        while (src.hasRemaining()) {
            out.clear();
            transform(src, out);
            out.flip();
            while (out.hasRemaining()) {
                if (inner.write(out) == 0) {
                    break;
                }
            }
            if (out.hasRemaining()) {
                leftover = ByteBuffer.allocate(out.remaining()).put(out).flip();
                break; // the socket is full: the rest of src stays queued, counted by the cap
            }
        }
        return src.position() - start;
    }

    /** Masks from {@code src} into {@code out} until either runs out; header bytes are taken only with room for them. */
    private void transform(ByteBuffer src, ByteBuffer out) {
        while (src.hasRemaining() && out.remaining() >= MAX_HEADER) {
            if (passThrough > 0) {
                int n = (int) Math.min(passThrough, Math.min(src.remaining(), out.remaining()));
                copy(src, out, n);
                passThrough -= n;
            } else if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, Math.min(src.remaining(), out.remaining()));
                int from = out.position();
                copy(src, out, n);
                phase = Masker.mask(out, from, from + n, key, phase);
                payloadLeft -= n;
            } else {
                header[headerLength++] = src.get();
                if (headerLength >= 2 && headerLength == headerSize()) {
                    emitHeader(out);
                }
            }
        }
    }

    private int headerSize() {
        int len = header[1] & 0x7F;
        return len == 126 ? 4 : len == 127 ? 10 : 2;
    }

    private void emitHeader(ByteBuffer out) {
        if ((header[1] & 0x80) != 0) {
            throw new IllegalStateException("a queued frame is already masked");
        }
        int code = header[1] & 0x7F;
        long length = code == 126 ? ((header[2] & 0xFFL) << 8 | (header[3] & 0xFFL))
                : code == 127 ? longAt(header, 2) : code;
        out.put(header[0]).put((byte) (header[1] | 0x80));
        out.put(header, 2, headerLength - 2);
        key = keys.getAsInt();
        out.putInt(key);
        phase = 0;
        payloadLeft = length;
        headerLength = 0;
    }

    private static long longAt(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[at + i] & 0xFFL);
        }
        return v;
    }

    private static void copy(ByteBuffer src, ByteBuffer out, int n) {
        int limit = src.limit();
        src.limit(src.position() + n);
        out.put(src);
        src.limit(limit);
    }

    /** Masked bytes held for the socket (for tests: never more than {@link #CHUNK}). */
    int pendingBytes() {
        ByteBuffer l = leftover;
        return l == null ? 0 : l.remaining();
    }

    @Override
    public boolean hasPendingOutput() {
        return leftover != null || inner.hasPendingOutput();
    }

    @Override
    public boolean flushPending() throws IOException {
        if (inner.hasPendingOutput() && !inner.flushPending()) {
            return false; // the inner wire's bytes came first
        }
        ByteBuffer l = leftover;
        if (l != null) {
            while (l.hasRemaining()) {
                if (inner.write(l) == 0) {
                    return false;
                }
            }
            leftover = null;
        }
        return !inner.hasPendingOutput() || inner.flushPending();
    }

    @Override
    public boolean writableFromAnyThread() {
        return inner.writableFromAnyThread();
    }

    @Override
    public long maxActorWriteBytes() {
        return inner.maxActorWriteBytes();
    }

    @Override
    public boolean hasBufferedInput() {
        return inner.hasBufferedInput();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public void abort() {
        inner.abort();
    }
}
