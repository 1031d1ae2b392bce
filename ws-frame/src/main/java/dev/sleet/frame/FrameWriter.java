package dev.sleet.frame;

import dev.sleet.frame.internal.FrameHeaders;
import dev.sleet.frame.spi.OutboundTransform;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Writes frames into the caller's buffers, resumably: begin a message or a frame, then call
 * {@link #write(ByteBuffer)} with output buffers until it returns {@code true}. Any output buffer size works,
 * down to one byte; the header goes through a fixed 14-byte scratch array and the payload is copied straight
 * from the caller's payload buffer, so nothing is allocated per frame.
 *
 * <p>Roles (RFC 6455 §5.1, §5.3): a {@link Role#SERVER} writer never masks; a {@link Role#CLIENT} writer masks
 * every frame with a fresh key from its key source, masking the copy in the output buffer (the caller's payload
 * is left untouched). By default a client writer has its own {@link MaskKeySource} (ChaCha20 seeded from a
 * {@code SecureRandom}, no {@code SecureRandom} call per frame).
 *
 * <p>Fragmentation (§5.4): {@link #beginMessage} splits a data message into frames of at most the configured
 * fragment size — the first with the message's opcode, the rest CONTINUATION, the last with FIN. Control
 * frames are never fragmented and hold at most 125 bytes.
 *
 * <p>Extension: with an {@link OutboundTransform}, each data message goes through it first; when it transforms
 * a message, the first frame carries its RSV bits.
 *
 * <p>Not thread-safe: one writer per connection, used by one thread at a time.
 */
public final class FrameWriter {
    /** Fragment size meaning "never fragment". */
    public static final int NO_FRAGMENTATION = Integer.MAX_VALUE;

    private final Role role;
    private final boolean masking;
    private final int fragmentSize;
    private final IntSupplier maskKeys;
    private final OutboundTransform outbound;

    private final byte[] header = new byte[FrameHeaders.MAX_LENGTH];
    private int headerLen;
    private int headerPos;

    private boolean busy;
    private ByteBuffer payload;
    private int payloadPos;
    private int payloadEnd;
    private Opcode nextOpcode;
    private int nextRsv;
    private boolean explicitFrame;
    private boolean explicitFin;
    private boolean lastFrame;
    private int frameRemaining;
    private int maskKey;
    private int maskOffset;

    /** A writer for {@code role} that does not fragment; a client writer draws keys from its own {@link MaskKeySource}. */
    public FrameWriter(Role role) {
        this(role, NO_FRAGMENTATION, null, null);
    }

    /** A writer for {@code role} that splits data messages into frames of at most {@code fragmentSize} bytes. */
    public FrameWriter(Role role, int fragmentSize) {
        this(role, fragmentSize, null, null);
    }

    /**
     * A writer with every option.
     *
     * @param role the role this endpoint plays
     * @param fragmentSize the largest payload per data frame (≥ 1), or {@link #NO_FRAGMENTATION}
     * @param maskKeys where a client writer takes masking keys (big-endian key bytes); {@code null} for a new
     *     {@link MaskKeySource} of its own. Ignored by a server writer.
     * @param outbound the negotiated extension's outbound transform, or {@code null}
     */
    public FrameWriter(Role role, int fragmentSize, IntSupplier maskKeys, OutboundTransform outbound) {
        this.role = Objects.requireNonNull(role, "role");
        if (fragmentSize < 1) {
            throw new IllegalArgumentException("fragmentSize < 1: " + fragmentSize);
        }
        this.masking = role == Role.CLIENT;
        this.fragmentSize = fragmentSize;
        this.maskKeys = !masking ? null : maskKeys != null ? maskKeys : new MaskKeySource();
        this.outbound = outbound;
    }

    /** The role this writer writes for. */
    public Role role() {
        return role;
    }

    /** The largest payload per data frame. */
    public int fragmentSize() {
        return fragmentSize;
    }

    /** Whether there is nothing left to write: a new message or frame may begin. */
    public boolean isIdle() {
        return !busy;
    }

    /**
     * Begins a whole message. A data message ({@link Opcode#TEXT}, {@link Opcode#BINARY}) goes through the
     * outbound transform, if any, and is split into frames of at most the fragment size; a control message is
     * one frame.
     *
     * <p>The writer reads {@code payload} from its position to its limit without moving the position; the
     * caller must leave those bytes alone until {@link #write} has returned {@code true}.
     *
     * @throws IllegalStateException when the previous message is not written yet
     * @throws IllegalArgumentException for {@link Opcode#CONTINUATION}, or a control payload over 125 bytes
     */
    public void beginMessage(Opcode opcode, ByteBuffer payload) {
        checkIdle();
        Objects.requireNonNull(opcode, "opcode");
        if (opcode == Opcode.CONTINUATION) {
            throw new IllegalArgumentException("a message starts with TEXT or BINARY, not CONTINUATION");
        }
        int rsv = 0;
        if (opcode.isControl()) {
            checkControl(payload.remaining());
        } else if (outbound != null) {
            ByteBuffer out = outbound.transform(opcode, payload);
            if (out != null) {
                payload = out;
                rsv = Rsv.check(outbound.rsvBits());
            }
        }
        start(opcode, rsv, payload, false, true);
    }

    /**
     * Begins exactly one frame, as given: no transform, no fragmentation. For callers that fragment messages
     * themselves (streaming), and for tests.
     *
     * @throws IllegalStateException when the previous message is not written yet
     * @throws IllegalArgumentException for a control frame without FIN or over 125 bytes, or bad RSV bits
     */
    public void beginFrame(boolean fin, int rsv, Opcode opcode, ByteBuffer payload) {
        checkIdle();
        Rsv.check(rsv);
        if (opcode.isControl()) {
            if (!fin) {
                throw new IllegalArgumentException("control frames cannot be fragmented (RFC 6455 §5.5)");
            }
            checkControl(payload.remaining());
        }
        start(opcode, rsv, payload, true, fin);
    }

    /**
     * Writes as much of the pending message as fits into {@code dst} (from its position, which it advances).
     *
     * @return {@code true} when the message is completely written (also when nothing was pending)
     */
    public boolean write(ByteBuffer dst) {
        if (!busy) {
            return true;
        }
        while (true) {
            if (headerPos < headerLen) {
                int n = Math.min(headerLen - headerPos, dst.remaining());
                dst.put(header, headerPos, n);
                headerPos += n;
                if (headerPos < headerLen) {
                    return false;
                }
            }
            if (frameRemaining > 0) {
                int n = Math.min(frameRemaining, dst.remaining());
                if (n == 0) {
                    return false;
                }
                int at = dst.position();
                dst.put(at, payload, payloadPos, n);
                if (masking) {
                    maskOffset = Masker.mask(dst, at, at + n, maskKey, maskOffset);
                }
                dst.position(at + n);
                payloadPos += n;
                frameRemaining -= n;
                if (frameRemaining > 0) {
                    return false;
                }
            }
            if (lastFrame) {
                busy = false;
                payload = null;
                return true;
            }
            nextHeader();
        }
    }

    private void checkIdle() {
        if (busy) {
            throw new IllegalStateException("the previous message is not completely written yet");
        }
    }

    private static void checkControl(int length) {
        if (length > 125) {
            throw new IllegalArgumentException("control frame payload of " + length + " bytes: at most 125 (RFC 6455 §5.5)");
        }
    }

    private void start(Opcode opcode, int rsv, ByteBuffer payload, boolean explicit, boolean fin) {
        this.payload = payload;
        this.payloadPos = payload.position();
        this.payloadEnd = payload.limit();
        this.nextOpcode = opcode;
        this.nextRsv = rsv;
        this.explicitFrame = explicit;
        this.explicitFin = fin;
        this.busy = true;
        nextHeader();
    }

    private void nextHeader() {
        int left = payloadEnd - payloadPos;
        int len;
        boolean fin;
        if (explicitFrame || nextOpcode.isControl()) {
            len = left;
            fin = explicitFin;
            lastFrame = true;
        } else {
            len = Math.min(left, fragmentSize);
            lastFrame = len == left;
            fin = lastFrame;
        }
        if (masking) {
            maskKey = maskKeys.getAsInt();
            maskOffset = 0;
        }
        headerLen = FrameHeaders.encode(header, 0, fin, nextRsv, nextOpcode.code(), len, masking, maskKey);
        headerPos = 0;
        frameRemaining = len;
        nextOpcode = Opcode.CONTINUATION;
        nextRsv = 0;
    }
}
