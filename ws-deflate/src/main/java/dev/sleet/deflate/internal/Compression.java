package dev.sleet.deflate.internal;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.spi.OutboundTransform;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * The sending half of permessage-deflate for one connection (RFC 7692 §7.2.1): compresses a message with raw
 * DEFLATE, ends it with a sync flush and removes the flush's trailing {@code 00 00 ff ff}.
 *
 * <p><b>Context.</b> With context takeover the connection keeps one {@link Deflater} from its first compressed
 * message until it closes, so later messages may refer back to earlier ones. Without it (the client asked for
 * {@code server_no_context_takeover}, or the server chose it), a deflater is borrowed from the {@link ZlibPool} for
 * each message and returned reset: an idle connection holds none, and the output for a message depends on the
 * message alone ({@link #contextFreeKey()}), which lets a broadcast compress once for many connections.
 *
 * <p><b>Windows below 32 KiB.</b> The JDK's {@code Deflater} always searches a 32 KiB window. When the client
 * limits the server to {@code server_max_window_bits} = w &lt; 15, the message is fed in pieces of 2^w bytes, each
 * ended with a {@link Deflater#FULL_FLUSH}: zlib guarantees that nothing after a full flush refers to anything
 * before it (decompression may restart there), so no back-reference reaches further than 2^w − 1 bytes and the
 * client's smaller window always suffices. Such a connection keeps no context either, whatever was negotiated.
 * The price is a worse ratio for small windows.
 *
 * <p>Messages shorter than the threshold go out uncompressed, and so do empty messages (whatever the threshold)
 * and, when no context is kept, a message that compression would not make smaller. Not thread-safe: the server
 * calls it under the connection's send lock.
 */
public final class Compression implements OutboundTransform {
    private static final int SMALL = 8 * 1024;

    private final ZlibPool pool;
    private final int level;
    private final int threshold;
    private final int windowBits;
    private final boolean keepContext;
    private final Key key;
    private Deflater held;
    private boolean closed;

    /** The output of two transforms with equal keys is equal for equal messages. */
    record Key(int level, int windowBits, int threshold) {
    }

    /**
     * @param contextTakeover whether the agreement lets the server keep context between messages
     * @param windowBits      the server's negotiated window, 8–15
     */
    public Compression(ZlibPool pool, int level, int threshold, int windowBits, boolean contextTakeover) {
        this.pool = pool;
        this.level = level;
        this.threshold = threshold;
        this.windowBits = windowBits;
        this.keepContext = contextTakeover && windowBits == 15;
        this.key = keepContext ? null : new Key(level, windowBits, threshold);
    }

    @Override
    public int rsvBits() {
        return Rsv.RSV1;
    }

    @Override
    public Object contextFreeKey() {
        return key;
    }

    /** Whether a deflater is held between messages right now. */
    public boolean holdsDeflater() {
        return held != null;
    }

    @Override
    public ByteBuffer transform(Opcode opcode, ByteBuffer payload) {
        if (closed) {
            throw new IllegalStateException("permessage-deflate compressor used after close");
        }
        int len = payload.remaining();
        if (len < threshold || len == 0) {
            // An empty message is never worth compressing, and with context takeover it cannot be: right after the
            // previous message's sync flush, zlib makes no output for a flush without new input.
            pool.messagesUncompressed.increment();
            return null;
        }
        Deflater d;
        if (keepContext) {
            if (held == null) {
                held = pool.takeDeflater(level);
            }
            d = held;
        } else {
            d = pool.takeDeflater(level);
        }
        Out out = new Out(len <= SMALL ? len + 64 : (len >>> 2) + 1024);
        try {
            ByteBuffer in = payload.duplicate();
            if (windowBits == 15) {
                d.setInput(in);
                out.drain(d, Deflater.SYNC_FLUSH);
            } else {
                int piece = 1 << windowBits;
                do {
                    int end = Math.min(in.limit(), in.position() + piece);
                    d.setInput(in.duplicate().limit(end));
                    out.drain(d, Deflater.FULL_FLUSH);
                    in.position(end);
                } while (in.hasRemaining());
            }
        } finally {
            if (!keepContext) {
                pool.giveDeflater(level, d);
            }
        }
        int n = out.stripTail();
        if (!keepContext && n >= len) {
            pool.messagesUncompressed.increment(); // nothing won, and no context to keep in step with the peer
            return null;
        }
        pool.messagesCompressed.increment();
        pool.bytesBeforeCompression.add(len);
        pool.bytesAfterCompression.add(n);
        return ByteBuffer.wrap(out.bytes, 0, n);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (held != null) {
            Deflater d = held;
            held = null;
            pool.giveDeflater(level, d);
        }
    }

    /** A growable output array. */
    private static final class Out {
        byte[] bytes;
        int size;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        /** Deflates all input set on {@code d} with {@code flush}, until the flush is complete. */
        void drain(Deflater d, int flush) {
            while (true) {
                if (size == bytes.length) {
                    bytes = Arrays.copyOf(bytes, bytes.length * 2);
                }
                int space = bytes.length - size;
                int n = d.deflate(bytes, size, space, flush);
                size += n;
                if (n < space) {
                    return; // output room left over: zlib has flushed everything (Deflater#deflate)
                }
            }
        }

        /** Removes the {@code 00 00 ff ff} a flush ends with (RFC 7692 §7.2.1 step 4); returns the size left. */
        int stripTail() {
            if (size < 4 || bytes[size - 4] != 0 || bytes[size - 3] != 0 || bytes[size - 2] != (byte) 0xff
                    || bytes[size - 1] != (byte) 0xff) {
                throw new IllegalStateException("deflate output does not end with a sync flush");
            }
            return size - 4;
        }
    }
}
