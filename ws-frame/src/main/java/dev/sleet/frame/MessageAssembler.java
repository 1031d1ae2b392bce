package dev.sleet.frame;

import dev.sleet.frame.internal.ByteAccumulator;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.frame.spi.InboundTransform;
import dev.sleet.frame.spi.PayloadSink;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Rebuilds messages from frames and enforces the rules that span frames (RFC 6455 §5.4–§5.6): it is the
 * {@link FrameListener} a connection hands to its {@link FrameParser}, and it reports to a
 * {@link MessageListener}.
 *
 * <ul>
 *   <li>Fragmentation (§5.4): a message is a TEXT or BINARY frame followed by CONTINUATION frames up to one with
 *       FIN. A continuation with no message to continue, or a new TEXT/BINARY frame inside an unfinished message,
 *       is a protocol error (1002).</li>
 *   <li>Control frames may arrive between the fragments of a message; they are delivered at once, in place, and
 *       the message carries on.</li>
 *   <li>Text is validated as UTF-8 while it arrives, across buffers and fragments; the first bad byte fails the
 *       message with 1007, and so does a message that ends inside a code point.</li>
 *   <li>A message larger than the maximum size (default 16 MiB) fails with 1009 as soon as a frame header
 *       announces the excess, before its payload is buffered.</li>
 *   <li>A close frame is decoded and checked ({@link CloseStatus#decode}): bad code or bad UTF-8 reason → 1002.</li>
 * </ul>
 *
 * <p>Delivery: in the default mode a whole message is delivered once. A message that is a single frame whose
 * payload arrived in one input buffer is passed straight from that buffer (no copy); otherwise the fragments
 * are gathered in a growable buffer that never grows past the maximum size and is released after a message
 * larger than 64 KiB. In streaming mode ({@link Builder#streaming(boolean)}) every payload chunk is handed on
 * as it arrives ({@link MessageListener#onTextFragment}, {@link MessageListener#onBinaryFragment}) and nothing is
 * buffered.
 *
 * <p>Extensions: with a {@link FrameExtension} configured, a message whose first frame carries the extension's RSV
 * bits is fed through the extension's {@link InboundTransform}; UTF-8 validation, the size cap and delivery
 * apply to the transform's output. RSV bits on a control or continuation frame, or bits no configured extension
 * owns, are a protocol error (1002).
 *
 * <p>Not thread-safe: one per connection, used by the thread that parses.
 */
public final class MessageAssembler implements FrameListener, AutoCloseable {
    /** The default maximum message size: 16 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 16L * 1024 * 1024;

    /** The largest maximum size a whole-message assembler accepts (the largest Java array, about 2 GiB). */
    public static final long MAX_BUFFERED_MESSAGE_SIZE = Integer.MAX_VALUE - 8;

    private static final int RETAIN_BYTES = 64 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final MessageListener listener;
    private final long maxMessageSize;
    private final boolean streaming;
    private final FrameExtension extension;
    private final int extensionRsv;
    /** The transform's output sink; made with the transform (only when an extension is configured and used). */
    private PayloadSink sink;
    private InboundTransform inbound;

    /*
     * Made on first need, so that a connection that has sent nothing (an idle one) carries neither: the UTF-8
     * validator with the first text message, the reassembly buffer with the first message that is not delivered
     * straight from its input buffer.
     */
    private Utf8Validator utf8;
    private ByteAccumulator buffer;
    /**
     * Gathers a control frame's payload only when it arrives split across reads (rare); made on first need, so an
     * idle connection does not carry it.
     */
    private ByteBuffer control;

    // The current frame.
    private boolean inControl;
    private Opcode controlOpcode;
    private int controlLength;
    private boolean controlDelivered;
    private boolean frameFin;
    private long frameLength;
    private long frameReceived;

    // The current message: TEXT or BINARY while one is unfinished, else null.
    private Opcode message;
    private boolean viaTransform;
    private long messageSize;

    /** A whole-message assembler with the default maximum size (16 MiB) and no extension. */
    public MessageAssembler(MessageListener listener) {
        this(builder(listener));
    }

    /** A whole-message assembler with the given maximum message size and no extension. */
    public MessageAssembler(MessageListener listener, long maxMessageSize) {
        this(builder(listener).maxMessageSize(maxMessageSize));
    }

    private MessageAssembler(Builder b) {
        this.listener = b.listener;
        this.maxMessageSize = b.maxMessageSize;
        this.streaming = b.streaming;
        this.extension = b.extension;
        this.extensionRsv = b.extension == null ? 0 : Rsv.check(b.extension.rsvBits());
        if (b.extension != null && extensionRsv == 0) {
            throw new IllegalArgumentException("extension " + b.extension.name() + " owns no RSV bits");
        }
        if (!streaming && maxMessageSize > MAX_BUFFERED_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize " + maxMessageSize
                    + " is too large to buffer whole messages; use streaming mode or at most " + MAX_BUFFERED_MESSAGE_SIZE);
        }
    }

    /** Starts configuring an assembler that reports to {@code listener}. */
    public static Builder builder(MessageListener listener) {
        return new Builder(listener);
    }

    /** The maximum message size in bytes (after any extension transform). */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** Whether messages are delivered in pieces as they arrive. */
    public boolean isStreaming() {
        return streaming;
    }

    /** Whether a data message has started and not yet ended. */
    public boolean isInMessage() {
        return message != null;
    }

    /** Bytes currently allocated for reassembly (0 when idle with nothing retained); never above the maximum size. */
    public int bufferCapacity() {
        return buffer == null ? 0 : buffer.capacity();
    }

    @Override
    public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
        if (opcode.isControl()) {
            if (rsv != 0) {
                throw new ProtocolException("RSV bits " + Rsv.toString(rsv) + " set on a " + opcode + " frame");
            }
            inControl = true;
            controlOpcode = opcode;
            controlLength = (int) payloadLength;
            controlDelivered = false;
            if (control != null) {
                control.clear();
            }
            return;
        }
        inControl = false;
        if (opcode == Opcode.CONTINUATION) {
            if (message == null) {
                throw new ProtocolException("continuation frame without a message to continue (RFC 6455 §5.4)");
            }
            if (rsv != 0) {
                throw new ProtocolException("RSV bits " + Rsv.toString(rsv) + " set on a continuation frame");
            }
        } else {
            if (message != null) {
                throw new ProtocolException(opcode + " frame inside an unfinished " + message
                        + " message: expected a continuation frame (RFC 6455 §5.4)");
            }
            if (rsv != 0) {
                if (extension == null || (rsv & ~extensionRsv) != 0) {
                    throw new ProtocolException("RSV bits " + Rsv.toString(rsv) + " set without a negotiated extension that owns them");
                }
                viaTransform = true;
                if (inbound == null) {
                    inbound = extension.newInboundTransform();
                    sink = this::transformed;
                }
            } else {
                viaTransform = false;
            }
            message = opcode;
            messageSize = 0;
            if (opcode == Opcode.TEXT) {
                if (utf8 == null) {
                    utf8 = new Utf8Validator();
                } else {
                    utf8.reset();
                }
            }
        }
        if (!viaTransform && payloadLength > maxMessageSize - messageSize) {
            throw tooBig(messageSize + payloadLength);
        }
        frameFin = fin;
        frameLength = payloadLength;
        frameReceived = 0;
    }

    @Override
    public void onPayload(ByteBuffer payload) {
        if (inControl) {
            if ((control == null || control.position() == 0) && payload.remaining() == controlLength) {
                deliverControl(payload);
            } else {
                if (control == null) {
                    control = ByteBuffer.allocate(125);
                }
                control.put(payload);
                if (control.position() == controlLength) {
                    deliverControl(control.flip());
                }
            }
            return;
        }
        frameReceived += payload.remaining();
        if (viaTransform) {
            inbound.transform(payload, sink);
        } else {
            data(payload, frameFin && frameReceived == frameLength);
        }
    }

    @Override
    public void onFrameEnd() {
        if (inControl) {
            if (!controlDelivered) {
                deliverControl(control == null ? EMPTY : control.flip());
            }
            inControl = false;
            return;
        }
        if (frameFin && message != null) {
            // Reached when the final frame had no payload, or its payload went through a transform.
            if (viaTransform) {
                inbound.endMessage(sink);
            }
            if (message == Opcode.TEXT) {
                utf8.finish();
            }
            if (streaming) {
                fragment(EMPTY, true);
            } else {
                whole(buffer == null || buffer.size() == 0 ? EMPTY : buffer.view());
            }
            endMessage();
        }
    }

    /** Output of the inbound transform: checked against the cap here, since the wire length says nothing. */
    private void transformed(ByteBuffer chunk) {
        if (chunk.remaining() > maxMessageSize - messageSize) {
            throw tooBig(messageSize + chunk.remaining());
        }
        data(chunk, false);
    }

    private void data(ByteBuffer chunk, boolean last) {
        messageSize += chunk.remaining();
        if (message == Opcode.TEXT) {
            utf8.validate(chunk);
            if (last) {
                utf8.finish();
            }
        }
        if (streaming) {
            fragment(chunk, last);
        } else if (!last) {
            buffer().append(chunk);
            return;
        } else if (buffer == null || buffer.size() == 0) {
            whole(chunk);
        } else {
            buffer.append(chunk);
            whole(buffer.view());
        }
        if (last) {
            endMessage();
        }
    }

    private void whole(ByteBuffer data) {
        if (message == Opcode.TEXT) {
            listener.onText(data);
        } else {
            listener.onBinary(data);
        }
    }

    private void fragment(ByteBuffer data, boolean last) {
        if (message == Opcode.TEXT) {
            listener.onTextFragment(data, last);
        } else {
            listener.onBinaryFragment(data, last);
        }
    }

    private void endMessage() {
        message = null;
        if (buffer != null) {
            buffer.clear();
        }
    }

    private ByteAccumulator buffer() {
        if (buffer == null) {
            buffer = new ByteAccumulator((int) Math.min(maxMessageSize, MAX_BUFFERED_MESSAGE_SIZE), RETAIN_BYTES);
        }
        return buffer;
    }

    private void deliverControl(ByteBuffer payload) {
        controlDelivered = true;
        switch (controlOpcode) {
            case PING -> listener.onPing(payload);
            case PONG -> listener.onPong(payload);
            case CLOSE -> listener.onClose(CloseStatus.decode(payload));
            default -> throw new IllegalStateException("not a control opcode: " + controlOpcode);
        }
    }

    private MessageTooBigException tooBig(long size) {
        return new MessageTooBigException("message of at least " + size + " bytes exceeds the limit of " + maxMessageSize);
    }

    /** Releases the inbound transform, if one was created. */
    @Override
    public void close() {
        if (inbound != null) {
            InboundTransform t = inbound;
            inbound = null;
            t.close();
        }
    }

    /** Configures a {@link MessageAssembler}. */
    public static final class Builder {
        private final MessageListener listener;
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private boolean streaming;
        private FrameExtension extension;

        private Builder(MessageListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /** The largest message accepted, in bytes of message data (after any transform); default 16 MiB. */
        public Builder maxMessageSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxMessageSize < 0: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** Whether to hand messages on in pieces as they arrive instead of whole; default false. */
        public Builder streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        /** The negotiated extension whose RSV bits and inbound transform apply; default none. */
        public Builder extension(FrameExtension extension) {
            this.extension = extension;
            return this;
        }

        /** A new assembler. */
        public MessageAssembler build() {
            return new MessageAssembler(this);
        }
    }
}
