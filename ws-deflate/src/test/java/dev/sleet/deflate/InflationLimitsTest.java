package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.testkit.ClientDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Safety of the read path: the message size cap applies to the inflated size while inflating (RFC 7692 §8.1 leaves
 * the limit to the implementation; RFC 6455 §10.4), RSV1 misuse is a protocol error (RFC 6455 §5.2, RFC 7692 §6.1),
 * and a corrupt stream fails the connection.
 */
class InflationLimitsTest {
    static final int LIMIT = 16 << 20;

    static DeflateAgreement agreement(String offer) {
        return new PerMessageDeflate().agree(ExtensionOffer.parseHeader(offer));
    }

    /**
     * A compressed payload of {@code mib} MiB of zeros, built cheaply: zlib compresses the first MiB and then a second
     * one with a full window of zeros behind it; each ends on a byte boundary with a sync flush, and the second
     * decodes to a MiB of zeros wherever it follows zeros, so it is simply repeated. Tail stripped (RFC 7692 §7.2.1).
     */
    static byte[] bomb(int mib) {
        Deflater d = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] first = flush(d, zeros);
        byte[] next = flush(d, zeros);
        d.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + next.length * (mib - 1));
        out.writeBytes(first);
        for (int i = 1; i < mib; i++) {
            out.writeBytes(next);
        }
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    private static byte[] flush(Deflater d, byte[] input) {
        d.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        return out.toByteArray();
    }

    @Test
    void bombIsWhatItClaims() {
        byte[] bomb = bomb(4);
        try (ClientDeflate client = new ClientDeflate()) {
            byte[] plain = client.decompress(bomb);
            assertEquals(4 << 20, plain.length);
            for (byte b : plain) {
                if (b != 0) {
                    throw new AssertionError("not zeros");
                }
            }
        }
    }

    @Test
    void bombStopsAtTheLimitPlusOneBuffer() {
        byte[] bomb = bomb(1024); // 1 GiB of zeros
        assertTrue(bomb.length < 1_100_000, "the bomb is small on the wire: " + bomb.length);
        long before = PerMessageDeflate.metrics().bytesInflated();
        try (ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.BINARY, bomb));
            assertEquals(1009, codec.failure, "closes with 1009 (message too big)");
            assertTrue(codec.events.isEmpty());
        }
        long inflated = PerMessageDeflate.metrics().bytesInflated() - before;
        assertTrue(inflated <= LIMIT + 16 * 1024, "inflated " + inflated + " bytes before stopping");
        assertTrue(inflated >= LIMIT, "inflated " + inflated + " bytes: the limit itself is allowed");
    }

    @Test
    void bombSpreadOverFragmentsStopsToo() {
        byte[] bomb = bomb(64);
        long before = PerMessageDeflate.metrics().bytesInflated();
        try (ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), 1 << 20)) {
            int piece = 100;
            boolean ok = true;
            for (int i = 0; ok && i < bomb.length; i += piece) {
                int end = Math.min(bomb.length, i + piece);
                ok = codec.feed(ServerCodec.frame(end == bomb.length, i == 0 ? Rsv.RSV1 : 0,
                        i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, java.util.Arrays.copyOfRange(bomb, i, end)));
            }
            assertEquals(1009, codec.failure);
        }
        assertTrue(PerMessageDeflate.metrics().bytesInflated() - before <= (1 << 20) + 16 * 1024);
    }

    @Test
    void messageOfExactlyTheLimitPasses() {
        byte[] message = new byte[1 << 20];
        new java.util.Random(7).nextBytes(message);
        try (ClientDeflate client = new ClientDeflate();
                ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), 1 << 20)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.BINARY, client.compress(message)));
            assertEquals(-1, codec.failure, codec.failureMessage);
            assertEquals(List.of("B:" + (1 << 20)), codec.events);
        }
    }

    // RFC 7692 §6.1 / RFC 6455 §5.2: RSV1 is only meaningful when the extension was negotiated
    @Test
    void rsv1WithoutTheExtensionIsAProtocolError() {
        try (ClientDeflate client = new ClientDeflate();
                ServerCodec codec = new ServerCodec(null, LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT, client.compress(utf8("Hello"))));
            assertEquals(1002, codec.failure);
        }
    }

    // RFC 7692 §6.1: "An endpoint MUST NOT set the RSV1 bit on continuation frames"
    @Test
    void rsv1OnAContinuationIsAProtocolError() {
        try (ClientDeflate client = new ClientDeflate();
                ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            byte[] c = client.compress(utf8("Hello, fragmented world"));
            codec.feed(ServerCodec.frame(false, Rsv.RSV1, Opcode.TEXT, java.util.Arrays.copyOf(c, 3)));
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.CONTINUATION,
                    java.util.Arrays.copyOfRange(c, 3, c.length)));
            assertEquals(1002, codec.failure);
        }
    }

    // RFC 7692 §6.1: control frames are never compressed; RSV1 on one is a protocol error
    @Test
    void rsv1OnAControlFrameIsAProtocolError() {
        try (ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.PING, new byte[] {1, 2}));
            assertEquals(1002, codec.failure);
        }
    }

    @Test
    void rsv2AndRsv3StayProtocolErrors() {
        try (ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV2, Opcode.TEXT, utf8("x")));
            assertEquals(1002, codec.failure);
        }
    }

    // A stream zlib rejects (reserved block type 11) fails with 1007: the message data is invalid
    @Test
    void corruptStreamIs1007() {
        try (ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.BINARY, new byte[] {(byte) 0xff, 0x00, 0x12}));
            assertEquals(1007, codec.failure, codec.failureMessage);
        }
    }

    @Test
    void referenceBeforeTheStartIs1007() {
        try (ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT, ServerCodec.hex("f2 00 11 00 00")));
            assertEquals(1007, codec.failure, codec.failureMessage);
        }
    }

    // RFC 6455 §8.1: UTF-8 is checked on the inflated text
    @Test
    void invalidUtf8InsideACompressedTextIs1007() {
        try (ClientDeflate client = new ClientDeflate();
                ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT,
                    client.compress(new byte[] {'a', (byte) 0xc3, 0x28, 'b'})));
            assertEquals(1007, codec.failure);
        }
    }

    @Test
    void emptyCompressedPayloadIsAnEmptyMessage() {
        try (ClientDeflate client = new ClientDeflate();
                ServerCodec codec = new ServerCodec(agreement("permessage-deflate"), LIMIT)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT, new byte[0]));
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT, client.compress(new byte[0])));
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT, client.compress(utf8("after"))));
            assertEquals(List.of("T:", "T:", "T:after"), codec.events, codec.failureMessage);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
