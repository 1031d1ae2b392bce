package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.spi.ExtensionOffer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * An empty message with a threshold of 0 (every message is a candidate for compression): it goes out uncompressed
 * whether or not context is kept, and the messages around it still decompress in the peer's one context. With
 * context takeover the compressor used to fail on it: right after a sync flush zlib makes no output for a second
 * flush without new input, so the message had no {@code 00 00 ff ff} tail to strip.
 */
class CompressionEmptyMessageTest {

    private static OutboundTransform compressor(boolean serverNoContextTakeover) {
        DeflateConfig config = new DeflateConfig(6, 0, serverNoContextTakeover, false, 15, 15);
        return new PerMessageDeflate(config).agree(ExtensionOffer.parseHeader("permessage-deflate"))
                .newOutboundTransform();
    }

    @Test
    void anEmptyMessageAfterACompressedOneGoesOutUncompressedWithContextTakeover() throws Exception {
        check(compressor(false));
    }

    @Test
    void anEmptyMessageGoesOutUncompressedWithoutContextTakeover() throws Exception {
        check(compressor(true));
    }

    private static void check(OutboundTransform out) throws DataFormatException {
        byte[] first = "hello hello hello, room".getBytes(StandardCharsets.UTF_8);
        byte[] third = "hello room, hello again".getBytes(StandardCharsets.UTF_8);
        Inflater peer = new Inflater(true);
        try {
            ByteBuffer a = out.transform(Opcode.BINARY, ByteBuffer.wrap(first));
            assertNotNull(a, "a repetitive message is compressed at threshold 0");
            assertArrayEquals(first, inflate(peer, a));
            assertNull(out.transform(Opcode.TEXT, ByteBuffer.allocate(0)), "the empty message goes out as it is");
            ByteBuffer c = out.transform(Opcode.BINARY, ByteBuffer.wrap(third));
            assertNotNull(c);
            assertArrayEquals(third, inflate(peer, c), "the next message decodes in the same context");
        } finally {
            peer.end();
            out.close();
        }
    }

    /** RFC 7692 §7.2.2: append 00 00 ff ff and inflate with the connection's one inflater. */
    private static byte[] inflate(Inflater inflater, ByteBuffer payload) throws DataFormatException {
        byte[] in = new byte[payload.remaining() + 4];
        payload.get(in, 0, in.length - 4);
        in[in.length - 2] = (byte) 0xff;
        in[in.length - 1] = (byte) 0xff;
        inflater.setInput(in);
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        int n;
        while ((n = inflater.inflate(buf)) > 0) {
            result.write(buf, 0, n);
        }
        return result.toByteArray();
    }
}
