package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.spi.InboundTransform;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.testkit.ClientDeflate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Memory: a connection holds a {@code Deflater}/{@code Inflater} only while it needs one. None before its first
 * compressed message; with context takeover (RFC 7692 §7.1.1) one from then until close; without it, none between
 * messages; always returned on close. Counted through {@link PerMessageDeflate#metrics()}.
 */
class ZlibPoolReleaseTest {
    static final byte[] TEXT = "{\"type\":\"message\",\"from\":\"ann\",\"text\":\"hello hello hello hello\"}"
            .getBytes(StandardCharsets.UTF_8);

    static DeflateAgreement agree(String offer) {
        return new PerMessageDeflate().agree(ExtensionOffer.parseHeader(offer));
    }

    static long deflaters() {
        return PerMessageDeflate.metrics().deflatersInUse();
    }

    static long inflaters() {
        return PerMessageDeflate.metrics().inflatersInUse();
    }

    @Test
    void outboundWithContextTakeoverHoldsOneDeflaterUntilClose() {
        long base = deflaters();
        OutboundTransform out = agree("permessage-deflate").newOutboundTransform();
        assertEquals(base, deflaters(), "nothing held before the first message");
        assertNotNull(out.transform(Opcode.TEXT, ByteBuffer.wrap(TEXT)));
        assertEquals(base + 1, deflaters(), "held for the context");
        assertNotNull(out.transform(Opcode.TEXT, ByteBuffer.wrap(TEXT)));
        assertEquals(base + 1, deflaters(), "still one");
        out.close();
        assertEquals(base, deflaters(), "returned on close");
    }

    @Test
    void outboundWithoutContextTakeoverHoldsNothingBetweenMessages() {
        long base = deflaters();
        OutboundTransform out = agree("permessage-deflate; server_no_context_takeover").newOutboundTransform();
        for (int i = 0; i < 3; i++) {
            assertNotNull(out.transform(Opcode.TEXT, ByteBuffer.wrap(TEXT)));
            assertEquals(base, deflaters(), "borrowed for the message only");
        }
        out.close();
        assertEquals(base, deflaters());
    }

    @Test
    void manyConnectionsWithoutContextShareAFewPooledDeflaters() {
        long live = PerMessageDeflate.metrics().deflatersLive();
        DeflateAgreement a = agree("permessage-deflate; server_no_context_takeover");
        for (int i = 0; i < 1000; i++) {
            OutboundTransform out = a.newOutboundTransform();
            out.transform(Opcode.TEXT, ByteBuffer.wrap(TEXT));
            out.close();
        }
        long grown = PerMessageDeflate.metrics().deflatersLive() - live;
        assertTrue(grown <= 1, "1000 connections, one message each, took " + grown + " new deflaters");
    }

    @Test
    void inboundWithContextTakeoverHoldsOneInflaterUntilClose() {
        long base = inflaters();
        DeflateAgreement a = agree("permessage-deflate");
        try (ClientDeflate client = new ClientDeflate();
                ServerCodec codec = new ServerCodec(a, 1 << 20)) {
            assertEquals(base, inflaters());
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT, client.compress(TEXT)));
            assertEquals(base + 1, inflaters());
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.TEXT, client.compress(TEXT)));
            assertEquals(base + 1, inflaters());
            assertEquals(2, codec.events.size());
        }
        assertEquals(base, inflaters(), "returned when the codec closes");
    }

    @Test
    void inboundWithoutContextTakeoverHoldsNothingBetweenMessages() {
        long base = inflaters();
        DeflateAgreement a = agree("permessage-deflate; client_no_context_takeover");
        InboundTransform in = a.newInboundTransform();
        try (ClientDeflate client = new ClientDeflate(true, false)) {
            byte[] c = client.compress(TEXT);
            int[] produced = new int[1];
            in.transform(ByteBuffer.wrap(c, 0, c.length / 2), b -> produced[0] += b.remaining());
            assertEquals(base + 1, inflaters(), "borrowed while the message arrives");
            in.transform(ByteBuffer.wrap(c, c.length / 2, c.length - c.length / 2), b -> produced[0] += b.remaining());
            in.endMessage(b -> produced[0] += b.remaining());
            assertEquals(TEXT.length, produced[0]);
            assertEquals(base, inflaters(), "returned at the end of the message");
        } finally {
            in.close();
        }
    }

    @Test
    void inboundFailureMidMessageStillReturnsTheInflaterOnClose() {
        long base = inflaters();
        try (ServerCodec codec = new ServerCodec(agree("permessage-deflate; client_no_context_takeover"), 1 << 20)) {
            codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.BINARY, new byte[] {(byte) 0xff, 1, 2, 3}));
            assertEquals(1007, codec.failure);
        }
        assertEquals(base, inflaters());
    }
}
