package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.FrameListener;
import dev.sleet.frame.FrameParser;
import dev.sleet.frame.FrameWriter;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Role;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.testkit.ClientDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fragmented compressed messages on the way out (RFC 7692 §6.1, §7.2.1): a {@link FrameWriter} with Sleet's
 * compressor splits the compressed payload into frames; RSV1 is set on the first frame only, the opcode on the first,
 * CONTINUATION on the rest, and the joined payload decompresses to the message, message after message in one context.
 */
class CompressionFragmentedWriteTest {

    record Frame(boolean fin, int rsv, Opcode opcode, byte[] payload) {
    }

    @Test
    void rsv1OnTheFirstFrameOnlyAndThePayloadsJoinUp() {
        OutboundTransform out = new PerMessageDeflate().agree(ExtensionOffer.parseHeader("permessage-deflate"))
                .newOutboundTransform();
        FrameWriter writer = new FrameWriter(Role.SERVER, 50, null, out);
        FrameParser parser = new FrameParser(Role.CLIENT, 1 << 20, Rsv.RSV1);
        List<Frame> frames = new ArrayList<>();
        FrameListener collect = new FrameListener() {
            boolean fin;
            int rsv;
            Opcode opcode;
            final ByteArrayOutputStream payload = new ByteArrayOutputStream();

            @Override
            public void onFrameStart(boolean fin, int rsv, Opcode opcode, long length) {
                this.fin = fin;
                this.rsv = rsv;
                this.opcode = opcode;
                payload.reset();
            }

            @Override
            public void onPayload(ByteBuffer p) {
                byte[] b = new byte[p.remaining()];
                p.get(b);
                payload.writeBytes(b);
            }

            @Override
            public void onFrameEnd() {
                frames.add(new Frame(fin, rsv, opcode, payload.toByteArray()));
            }
        };
        try (ClientDeflate client = new ClientDeflate()) {
            for (int m = 0; m < 3; m++) {
                StringBuilder text = new StringBuilder("{\"n\":" + m + ",\"values\":[");
                java.util.Random r = new java.util.Random(m);
                for (int i = 0; i < 200; i++) {
                    text.append(r.nextInt(1_000_000)).append(',');
                }
                byte[] message = text.append("0]}").toString().getBytes(StandardCharsets.UTF_8);
                frames.clear();
                writer.beginMessage(Opcode.TEXT, ByteBuffer.wrap(message));
                ByteBuffer wire = ByteBuffer.allocate(64); // a small output buffer: written in many pieces
                boolean done;
                do {
                    wire.clear();
                    done = writer.write(wire);
                    parser.parse(wire.flip(), collect);
                } while (!done);
                assertTrue(frames.size() > 1, "fragmented: " + frames.size() + " frames");
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                for (int i = 0; i < frames.size(); i++) {
                    Frame f = frames.get(i);
                    assertEquals(i == 0 ? Rsv.RSV1 : 0, f.rsv(), "RSV1 on the first frame only");
                    assertEquals(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, f.opcode());
                    assertEquals(i == frames.size() - 1, f.fin());
                    joined.writeBytes(f.payload());
                }
                assertArrayEquals(message, client.decompress(joined.toByteArray()), "message " + m);
            }
        } finally {
            out.close();
        }
    }
}
