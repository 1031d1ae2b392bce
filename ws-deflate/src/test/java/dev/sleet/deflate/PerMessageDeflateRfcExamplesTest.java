package dev.sleet.deflate;

import static dev.sleet.deflate.ServerCodec.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.frame.Frames;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.spi.ExtensionOffer;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples of RFC 7692 §7.2.3, byte for byte, in both directions: Sleet's inflating read path decodes each
 * example's frames to "Hello", and Sleet's compressor produces the example frames for "Hello" (the examples were
 * made with zlib, as the JDK's {@code Deflater} is). The frames in the RFC are unmasked (server to client); a
 * server reads masked client frames, so the read-side tests mask the same payloads.
 */
class PerMessageDeflateRfcExamplesTest {
    static DeflateAgreement agreement(String offer, DeflateConfig config) {
        return new PerMessageDeflate(config).agree(ExtensionOffer.parseHeader(offer));
    }

    static DeflateAgreement takeover() {
        return agreement("permessage-deflate", DeflateConfig.defaults().withThreshold(0));
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        return a;
    }

    /** Re-frames the payload of an unmasked example frame as the masked client frame a server would read. */
    static byte[] asClientFrame(String exampleFrame) {
        byte[] f = hex(exampleFrame);
        boolean fin = (f[0] & 0x80) != 0;
        int rsv = (f[0] >> 4) & 0b111;
        int len = f[1] & 0x7f;
        byte[] payload = java.util.Arrays.copyOfRange(f, 2, 2 + len);
        return ServerCodec.frame(fin, rsv, dev.sleet.frame.Opcode.of(f[0] & 0x0f), payload);
    }

    // §7.2.3.1: "Hello" as one compressed DEFLATE block, in one frame
    @Test
    void oneCompressedBlockDecodes() {
        try (ServerCodec codec = new ServerCodec(takeover(), 1024)) {
            codec.feed(asClientFrame("c1 07 f2 48 cd c9 c9 07 00"));
            assertEquals(List.of("T:Hello"), codec.events);
        }
    }

    // §7.2.3.1: the same message fragmented: RSV1 only on the first frame
    @Test
    void oneCompressedBlockInTwoFragmentsDecodes() {
        try (ServerCodec codec = new ServerCodec(takeover(), 1024)) {
            codec.feed(asClientFrame("41 03 f2 48 cd"));
            codec.feed(asClientFrame("80 04 c9 c9 07 00"));
            assertEquals(List.of("T:Hello"), codec.events);
        }
    }

    // §7.2.3.2: the second "Hello" refers back into the first message's window (context takeover)
    @Test
    void sharedWindowDecodes() {
        try (ServerCodec codec = new ServerCodec(takeover(), 1024)) {
            codec.feed(asClientFrame("c1 07 f2 48 cd c9 c9 07 00"));
            codec.feed(asClientFrame("c1 05 f2 00 11 00 00"));
            assertEquals(List.of("T:Hello", "T:Hello"), codec.events);
        }
    }

    // §7.2.3.2 again, with client_no_context_takeover agreed: the reference cannot be resolved
    @Test
    void sharedWindowFailsWithoutContextTakeover() {
        DeflateAgreement a = agreement("permessage-deflate; client_no_context_takeover", DeflateConfig.defaults());
        try (ServerCodec codec = new ServerCodec(a, 1024)) {
            codec.feed(asClientFrame("c1 07 f2 48 cd c9 c9 07 00"));
            codec.feed(asClientFrame("c1 05 f2 00 11 00 00"));
            assertEquals(List.of("T:Hello"), codec.events);
            assertEquals(1007, codec.failure, codec.failureMessage);
        }
    }

    // §7.2.3.3: a DEFLATE block with no compression
    @Test
    void storedBlockDecodes() {
        try (ServerCodec codec = new ServerCodec(takeover(), 1024)) {
            codec.feed(asClientFrame("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00"));
            assertEquals(List.of("T:Hello"), codec.events);
        }
    }

    // §7.2.3.4: a DEFLATE block with BFINAL set, then one octet so the usual tail can follow; and the next message
    @Test
    void finalBlockDecodesAndTheNextMessageToo() {
        try (ServerCodec codec = new ServerCodec(takeover(), 1024)) {
            codec.feed(asClientFrame("c1 08 f3 48 cd c9 c9 07 00 00"));
            codec.feed(asClientFrame("c1 07 f2 48 cd c9 c9 07 00"));
            assertEquals(List.of("T:Hello", "T:Hello"), codec.events);
        }
    }

    // §7.2.3.5: two DEFLATE blocks in one message
    @Test
    void twoBlocksInOneMessageDecode() {
        try (ServerCodec codec = new ServerCodec(takeover(), 1024)) {
            codec.feed(asClientFrame("c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
            assertEquals(List.of("T:Hello"), codec.events);
        }
    }

    // §7.2.3.1 and §7.2.3.2 from the sending side: Sleet's compressor writes the example frames exactly
    @Test
    void compressorWritesTheExampleFrames() {
        OutboundTransform out = takeover().newOutboundTransform();
        try {
            assertArrayEquals(hex("c1 07 f2 48 cd c9 c9 07 00"), bytes(Frames.text("Hello", out)));
            assertArrayEquals(hex("c1 05 f2 00 11 00 00"), bytes(Frames.text("Hello", out)));
        } finally {
            out.close();
        }
    }

    // §7.2.3.1 without context takeover: every "Hello" is compressed alone, to the same bytes
    @Test
    void compressorWithoutContextTakeoverRepeatsTheFirstFrame() {
        DeflateAgreement a = agreement("permessage-deflate; server_no_context_takeover", DeflateConfig.defaults()
                .withThreshold(0));
        OutboundTransform out = a.newOutboundTransform();
        try {
            // "Hello" does not shrink (7 bytes compressed): with no context to keep, it goes out uncompressed
            assertArrayEquals(hex("81 05 48 65 6c 6c 6f"), bytes(Frames.text("Hello", out)));
            String longer = "Hello, Hello, Hello, Hello";
            byte[] first = bytes(Frames.text(longer, out));
            byte[] second = bytes(Frames.text(longer, out));
            assertEquals((byte) 0xc1, first[0], "RSV1 and FIN on a compressed text frame");
            assertArrayEquals(first, second);
        } finally {
            out.close();
        }
    }
}
