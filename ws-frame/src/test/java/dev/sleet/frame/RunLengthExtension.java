package dev.sleet.frame;

import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.frame.spi.InboundTransform;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.frame.spi.PayloadSink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A test-only extension on RSV1 that behaves like a compressor: run-length encoding as (count 1–255, byte) pairs.
 * Small wire payloads can expand into large messages, as with permessage-deflate, so it shows that the size cap
 * applies to the transform's output. The inbound side writes its output in chunks of at most 64 bytes and keeps
 * a half-read pair across chunks and frames; outbound leaves messages shorter than {@code threshold} untouched.
 */
class RunLengthExtension implements FrameExtension {
    final int threshold;
    int inboundCreated;
    int outboundCreated;
    int inboundClosed;
    int messagesEnded;

    RunLengthExtension(int threshold) {
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "x-test-run-length";
    }

    @Override
    public int rsvBits() {
        return Rsv.RSV1;
    }

    @Override
    public InboundTransform newInboundTransform() {
        inboundCreated++;
        return new Inbound();
    }

    @Override
    public OutboundTransform newOutboundTransform() {
        outboundCreated++;
        return new Outbound();
    }

    /** Encodes {@code data} as run-length pairs. */
    static byte[] encode(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < data.length) {
            int j = i;
            while (j < data.length && data[j] == data[i] && j - i < 255) {
                j++;
            }
            out.write(j - i);
            out.write(data[i]);
            i = j;
        }
        return out.toByteArray();
    }

    private final class Inbound implements InboundTransform {
        private final ByteBuffer out = ByteBuffer.allocate(64);
        private int pendingCount = -1;

        @Override
        public void transform(ByteBuffer payload, PayloadSink sink) {
            while (payload.hasRemaining()) {
                int b = payload.get() & 0xFF;
                if (pendingCount < 0) {
                    if (b == 0) {
                        throw new WebSocketException(CloseCodes.INVALID_PAYLOAD, "run of length 0");
                    }
                    pendingCount = b;
                    continue;
                }
                for (int k = 0; k < pendingCount; k++) {
                    if (!out.hasRemaining()) {
                        sink.accept(out.flip());
                        out.clear();
                    }
                    out.put((byte) b);
                }
                pendingCount = -1;
            }
        }

        @Override
        public void endMessage(PayloadSink sink) {
            if (pendingCount >= 0) {
                throw new WebSocketException(CloseCodes.INVALID_PAYLOAD, "message ends inside a run");
            }
            if (out.position() > 0) {
                sink.accept(out.flip());
            }
            out.clear();
            messagesEnded++;
        }

        @Override
        public void close() {
            inboundClosed++;
        }
    }

    private final class Outbound implements OutboundTransform {
        @Override
        public int rsvBits() {
            return Rsv.RSV1;
        }

        @Override
        public ByteBuffer transform(Opcode opcode, ByteBuffer payload) {
            if (payload.remaining() < threshold) {
                return null;
            }
            return ByteBuffer.wrap(encode(Feed.bytes(payload)));
        }

        @Override
        public void close() {
        }
    }
}
