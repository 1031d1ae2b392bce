package dev.sleet.frame;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Reads RFC 6455 frames from a stream of {@link ByteBuffer}s: a resumable state machine that can be fed the
 * input split in any way, down to one byte per buffer, and reports the same frames.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *  | |1|2|3|       |K|             |                               |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |     Extended payload length continued, if payload len == 127  |
 *  + - - - - - - - - - - - - - - - +-------------------------------+
 *  |                               |Masking-key, if MASK set to 1  |
 *  +-------------------------------+-------------------------------+
 *  | Masking-key (continued)       |          Payload Data         |
 *  +-------------------------------- - - - - - - - - - - - - - - - +
 *  (RFC 6455 §5.2)
 * </pre>
 *
 * <p>{@link #parse(ByteBuffer, FrameListener)} consumes everything it is given and returns; running out of input
 * is a return, never an exception. A header split across buffers is kept in a 14-byte scratch array (made the
 * first time a header is split); payload
 * is unmasked in place (eight bytes at a time, {@link Masker}) and handed to the listener as the caller's buffer
 * narrowed to the payload — no copy, no allocation.
 *
 * <p>Each header rule is checked as soon as the bytes it needs are in, and always before any payload byte is
 * read; a violation throws a {@link WebSocketException} with its close code:
 * <ul>
 *   <li>1002: a reserved opcode (§5.2); an RSV bit that no negotiated extension owns (§5.2); a control frame that
 *       is fragmented or longer than 125 bytes (§5.5); a close frame with a 1-byte payload (§5.5.1); a length
 *       not in its shortest encoding or a 64-bit length with the top bit set (§5.2); a server receiving an
 *       unmasked frame or a client receiving a masked one (§5.1, §5.3).</li>
 *   <li>1009: a frame longer than the configured maximum.</li>
 * </ul>
 *
 * <p>After a failure the parser is terminal: every later call rethrows the first failure. After the end of a
 * close frame it ignores all further input (RFC 6455 §5.5.1: nothing may follow a close frame).
 *
 * <p>Not thread-safe: one parser per connection, fed by one thread at a time.
 */
public final class FrameParser {
    private static final System.Logger LOG = System.getLogger(FrameParser.class.getName());

    private static final int FIN = 0b1000_0000;
    private static final int RSV_MASK = 0b0111_0000;
    private static final int OPCODE_MASK = 0b0000_1111;
    private static final int MASK = 0b1000_0000;
    private static final int LEN7_MASK = 0b0111_1111;
    private static final int LEN16 = 126;
    private static final int LEN64 = 127;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private static final int HEADER = 0;
    private static final int PAYLOAD = 1;
    private static final int CLOSED = 2;
    private static final int FAILED = 3;

    private final Role role;
    private final long maxFramePayload;
    private final int allowedRsv;

    private int state = HEADER;
    private RuntimeException failure;

    // Header accumulation across buffers.
    /**
     * Holds a header split across buffers; made the first time one is (88 bytes with its view), so a connection
     * whose headers always arrive whole, an idle one above all, never carries it.
     */
    private byte[] scratch;
    private ByteBuffer scratchBuf;
    private int scratchLen;
    private int headerLen;
    private int lengthEnd;
    private long pendingLength;

    // Current frame.
    private Opcode opcode;
    private boolean masked;
    private int maskKey;
    private int maskOffset;
    private long remaining;

    /**
     * A parser for the {@code role} this endpoint plays, with no extension.
     *
     * @param role {@link Role#SERVER} to read a client's frames (masked), {@link Role#CLIENT} to read a server's
     * @param maxFramePayload the largest payload a single frame may declare; larger → 1009
     */
    public FrameParser(Role role, long maxFramePayload) {
        this(role, maxFramePayload, 0);
    }

    /**
     * A parser that also accepts the RSV bits of negotiated extensions.
     *
     * @param role {@link Role#SERVER} to read a client's frames (masked), {@link Role#CLIENT} to read a server's
     * @param maxFramePayload the largest payload a single frame may declare; larger → 1009
     * @param allowedRsv the {@link Rsv} bits negotiated extensions own (e.g.
     *     {@link dev.sleet.frame.spi.FrameExtension#rsvBits()}); 0 for none
     */
    public FrameParser(Role role, long maxFramePayload, int allowedRsv) {
        if (role == null) {
            throw new NullPointerException("role");
        }
        if (maxFramePayload < 0) {
            throw new IllegalArgumentException("maxFramePayload < 0: " + maxFramePayload);
        }
        this.role = role;
        this.maxFramePayload = maxFramePayload;
        this.allowedRsv = Rsv.check(allowedRsv);
    }

    /** The role this parser reads for. */
    public Role role() {
        return role;
    }

    /** The largest frame payload accepted. */
    public long maxFramePayload() {
        return maxFramePayload;
    }

    /** The RSV bits accepted. */
    public int allowedRsv() {
        return allowedRsv;
    }

    /** Whether the parser stopped at the end of a close frame (further input is ignored). */
    public boolean isClosed() {
        return state == CLOSED;
    }

    /** Whether a failure made the parser terminal. */
    public boolean isFailed() {
        return state == FAILED;
    }

    /** Whether the parser is between frames: no header bytes pending and no payload outstanding. */
    public boolean isAtFrameBoundary() {
        return state == HEADER ? scratchLen == 0 : state == CLOSED;
    }

    /**
     * Reads frames from {@code src}, from its position to its limit, reporting them to {@code listener}, and
     * returns when {@code src} is exhausted; its position is then at its limit. A frame may be left incomplete:
     * the next call continues it.
     *
     * <p>A masked payload is unmasked in {@code src} itself, which must therefore be writable.
     *
     * @throws WebSocketException for a frame that breaks a rule (see the class comment), or as thrown by the
     *     listener; the parser is terminal afterwards and every later call rethrows it
     */
    public void parse(ByteBuffer src, FrameListener listener) {
        if (state >= CLOSED) {
            if (state == FAILED) {
                rethrow();
            }
            src.position(src.limit());
            return;
        }
        try {
            while (src.hasRemaining()) {
                if (state == HEADER) {
                    if (!header(src, listener)) {
                        return;
                    }
                } else if (state == PAYLOAD) {
                    payload(src, listener);
                } else {
                    src.position(src.limit());
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            state = FAILED;
            failure = e instanceof RuntimeException re ? re : new IllegalStateException("parser failed", e);
            if (e instanceof WebSocketException w && LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "{0} frame parser: close {1}: {2}", role, Integer.toString(w.closeCode()), w.getMessage());
            }
            throw e;
        }
    }

    private void rethrow() {
        if (failure instanceof WebSocketException w) {
            throw w;
        }
        throw new IllegalStateException("the frame parser failed earlier", failure);
    }

    /**
     * Reads (the rest of) a header. Returns false when the input ran out first (all of it consumed into the
     * scratch array); true when a frame was started, with the input positioned at its payload.
     */
    private boolean header(ByteBuffer src, FrameListener listener) {
        int pos = src.position();
        int avail = src.limit() - pos;
        if (scratchLen == 0 && avail >= 2) {
            int b0 = src.get(pos) & 0xFF;
            int b1 = src.get(pos + 1) & 0xFF;
            checkFirstByte(b0);
            int len = checkSecondByte(b0, b1);
            if (avail >= len) {
                long length = length(src, pos, b1);
                src.position(pos + len);
                start(src, pos + len - 4, b0, b1, length, listener);
                return true;
            }
        }
        // Slow path: collect the header in the scratch array, checking each part as soon as it is complete.
        if (scratchLen == 0) {
            if (scratch == null) {
                scratch = new byte[14];
                scratchBuf = ByteBuffer.wrap(scratch);
            }
            scratch[scratchLen++] = src.get();
            checkFirstByte(scratch[0] & 0xFF);
            if (!src.hasRemaining()) {
                return false;
            }
        }
        int b0 = scratch[0] & 0xFF;
        if (scratchLen == 1) {
            scratch[scratchLen++] = src.get();
            headerLen = checkSecondByte(b0, scratch[1] & 0xFF);
            int len7 = scratch[1] & LEN7_MASK;
            lengthEnd = len7 == LEN16 ? 4 : len7 == LEN64 ? 10 : 2;
            pendingLength = -1;
        }
        int b1 = scratch[1] & 0xFF;
        if (pendingLength < 0) {
            int n = Math.min(lengthEnd - scratchLen, src.remaining());
            src.get(scratch, scratchLen, n);
            scratchLen += n;
            if (scratchLen < lengthEnd) {
                return false;
            }
            pendingLength = length(scratchBuf, 0, b1);
        }
        int n = Math.min(headerLen - scratchLen, src.remaining());
        src.get(scratch, scratchLen, n);
        scratchLen += n;
        if (scratchLen < headerLen) {
            return false;
        }
        scratchLen = 0;
        start(scratchBuf, headerLen - 4, b0, b1, pendingLength, listener);
        return true;
    }

    private void checkFirstByte(int b0) {
        Opcode op = Opcode.of(b0 & OPCODE_MASK);
        if (op == null) {
            throw new ProtocolException("reserved opcode 0x" + Integer.toHexString(b0 & OPCODE_MASK));
        }
        int rsv = (b0 & RSV_MASK) >>> 4;
        if ((rsv & ~allowedRsv) != 0) {
            throw new ProtocolException("RSV bits " + Rsv.toString(rsv & ~allowedRsv) + " set without a negotiated extension");
        }
        if (op.isControl() && (b0 & FIN) == 0) {
            throw new ProtocolException("fragmented control frame (" + op + " without FIN)");
        }
    }

    /** Checks the second byte against the first and returns the header length. */
    private int checkSecondByte(int b0, int b1) {
        boolean mask = (b1 & MASK) != 0;
        if (mask != (role == Role.SERVER)) {
            throw new ProtocolException(mask
                    ? "masked frame from a server (RFC 6455 §5.1)"
                    : "unmasked frame from a client (RFC 6455 §5.1)");
        }
        int len7 = b1 & LEN7_MASK;
        int op = b0 & OPCODE_MASK;
        if ((op & 0b1000) != 0) {
            if (len7 > MAX_CONTROL_PAYLOAD) {
                throw new ProtocolException("control frame payload over 125 bytes");
            }
            if (len7 == 1 && op == Opcode.CLOSE.code()) {
                throw new ProtocolException("close frame payload of 1 byte: a status code needs 2");
            }
        }
        int len = 2 + (mask ? 4 : 0);
        if (len7 == LEN16) {
            len += 2;
        } else if (len7 == LEN64) {
            len += 8;
        }
        return len;
    }

    /** Reads and checks the payload length of the header at {@code p}, whose length bytes are all present. */
    private long length(ByteBuffer b, int p, int b1) {
        int len7 = b1 & LEN7_MASK;
        long length;
        if (len7 < LEN16) {
            length = len7;
        } else if (len7 == LEN16) {
            length = (b.get(p + 2) & 0xFF) << 8 | (b.get(p + 3) & 0xFF);
            if (length < LEN16) {
                throw new ProtocolException("payload length " + length + " sent in 16 bits: must use the 7-bit form");
            }
        } else {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = length << 8 | (b.get(p + i) & 0xFF);
            }
            if (length < 0) {
                throw new ProtocolException("64-bit payload length with the most significant bit set");
            }
            if (length <= 0xFFFF) {
                throw new ProtocolException("payload length " + length + " sent in 64 bits: must use the 16-bit form");
            }
        }
        if (length > maxFramePayload) {
            throw new MessageTooBigException("frame payload of " + length + " bytes exceeds the limit of " + maxFramePayload);
        }
        return length;
    }

    /** Starts a frame whose header has been read and checked; the masking key, if any, is at {@code keyAt}. */
    private void start(ByteBuffer b, int keyAt, int b0, int b1, long length, FrameListener listener) {
        masked = (b1 & MASK) != 0;
        if (masked) {
            maskKey = (b.get(keyAt) & 0xFF) << 24 | (b.get(keyAt + 1) & 0xFF) << 16
                    | (b.get(keyAt + 2) & 0xFF) << 8 | (b.get(keyAt + 3) & 0xFF);
            maskOffset = 0;
        }
        Opcode op = Opcode.of(b0 & OPCODE_MASK);
        opcode = op;
        remaining = length;
        state = PAYLOAD;
        listener.onFrameStart((b0 & FIN) != 0, (b0 & RSV_MASK) >>> 4, op, length);
        if (length == 0) {
            endFrame(listener);
        }
    }

    private void payload(ByteBuffer src, FrameListener listener) {
        int start = src.position();
        int limit = src.limit();
        int n = (int) Math.min(remaining, limit - start);
        int end = start + n;
        if (masked) {
            maskOffset = Masker.mask(src, start, end, maskKey, maskOffset);
        }
        remaining -= n;
        src.limit(end);
        try {
            listener.onPayload(src);
        } finally {
            src.limit(limit);
            src.position(end);
        }
        if (remaining == 0) {
            endFrame(listener);
        }
    }

    private void endFrame(FrameListener listener) {
        state = opcode == Opcode.CLOSE ? CLOSED : HEADER;
        listener.onFrameEnd();
    }
}
