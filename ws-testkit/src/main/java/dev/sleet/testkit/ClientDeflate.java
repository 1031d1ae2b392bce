package dev.sleet.testkit;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The client's side of permessage-deflate (RFC 7692 §7.2) for tests, written straight on {@code java.util.zip}
 * and independent of the server's implementation: {@link #compress} deflates a message with a sync flush and
 * strips the trailing {@code 00 00 ff ff}; {@link #decompress} appends it and inflates. Each direction keeps or
 * resets its context as negotiated. Not thread-safe.
 */
public final class ClientDeflate implements AutoCloseable {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final Deflater deflater;
    private final Inflater inflater = new Inflater(true);
    private final boolean clientNoContextTakeover;
    private final boolean serverNoContextTakeover;
    private final int windowBits;

    /**
     * A client at the default level with a 32 KiB window.
     *
     * @param clientNoContextTakeover reset the compressor after each message (the client's own context)
     * @param serverNoContextTakeover reset the decompressor after each message (the server promised to reset)
     */
    public ClientDeflate(boolean clientNoContextTakeover, boolean serverNoContextTakeover) {
        this(Deflater.DEFAULT_COMPRESSION, clientNoContextTakeover, serverNoContextTakeover);
    }

    /** A client compressing at {@code level} (0–9) with a 32 KiB window; see the two-flag constructor. */
    public ClientDeflate(int level, boolean clientNoContextTakeover, boolean serverNoContextTakeover) {
        this(level, clientNoContextTakeover, serverNoContextTakeover, 15);
    }

    /**
     * A client that honours {@code client_max_window_bits} = {@code windowBits}: below 15 it feeds zlib pieces of at
     * most 2^windowBits bytes, each closed with a full flush, after which nothing refers back across the flush.
     */
    public ClientDeflate(int level, boolean clientNoContextTakeover, boolean serverNoContextTakeover, int windowBits) {
        if (windowBits < 8 || windowBits > 15) {
            throw new IllegalArgumentException("window bits 8-15: " + windowBits);
        }
        this.deflater = new Deflater(level, true);
        this.clientNoContextTakeover = clientNoContextTakeover;
        this.serverNoContextTakeover = serverNoContextTakeover;
        this.windowBits = windowBits;
    }

    /** Context takeover both ways. */
    public ClientDeflate() {
        this(false, false);
    }

    /** The payload of a compressed message (to send with RSV1) for {@code message}. */
    public byte[] compress(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 16);
        byte[] buf = new byte[8192];
        int piece = windowBits == 15 ? Math.max(1, message.length) : 1 << windowBits;
        int flush = windowBits == 15 ? Deflater.SYNC_FLUSH : Deflater.FULL_FLUSH;
        int at = 0;
        do {
            int len = Math.min(piece, message.length - at);
            deflater.setInput(message, at, len);
            at += len;
            while (true) {
                int n = deflater.deflate(buf, 0, buf.length, flush);
                out.write(buf, 0, n);
                if (n < buf.length) {
                    break;
                }
            }
        } while (at < message.length);
        byte[] all = out.toByteArray();
        if (all.length < 4 || !Arrays.equals(all, all.length - 4, all.length, TAIL, 0, 4)) {
            throw new IllegalStateException("a sync flush must end with 00 00 ff ff");
        }
        if (clientNoContextTakeover) {
            deflater.reset();
        }
        return Arrays.copyOf(all, all.length - 4);
    }

    /** The message carried by a compressed payload (RSV1 set). */
    public byte[] decompress(byte[] payload) {
        byte[] in = Arrays.copyOf(payload, payload.length + 4);
        System.arraycopy(TAIL, 0, in, payload.length, 4);
        inflater.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4 + 16);
        byte[] buf = new byte[8192];
        try {
            while (true) {
                int n = inflater.inflate(buf);
                out.write(buf, 0, n);
                if (inflater.finished()) {
                    inflater.reset(); // a BFINAL block ended the stream
                    break;
                }
                if (n == 0) {
                    if (inflater.needsDictionary()) {
                        throw new IllegalArgumentException("compressed payload asks for a dictionary");
                    }
                    if (inflater.needsInput()) {
                        break; // all input taken and no output pending
                    }
                }
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt compressed payload: " + e.getMessage(), e);
        }
        if (serverNoContextTakeover) {
            inflater.reset();
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        deflater.end();
        inflater.end();
    }
}
