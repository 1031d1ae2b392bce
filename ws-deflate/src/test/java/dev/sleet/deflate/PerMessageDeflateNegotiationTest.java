package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.ExtensionProviders;
import dev.sleet.handshake.HandshakeConfig;
import dev.sleet.handshake.HandshakeNegotiator;
import dev.sleet.handshake.HandshakeResult;
import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.HttpRequest;
import dev.sleet.handshake.HttpRequestParser;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.spi.ExtensionOffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Negotiation (RFC 7692 §5, §7.1): every offer is read in order, the first the server can honour is accepted, and
 * the response states exactly the agreed parameters. Invalid or duplicated parameters decline that offer (§5: "the
 * server MUST decline"), never the handshake.
 */
class PerMessageDeflateNegotiationTest {

    static String answer(DeflateConfig config, String header) {
        DeflateAgreement a = new PerMessageDeflate(config).agree(ExtensionOffer.parseHeader(header));
        return a == null ? null : a.response().format();
    }

    static String answer(String header) {
        return answer(DeflateConfig.defaults(), header);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "DECLINED", value = {
        // §7.1: no parameters
        "permessage-deflate | permessage-deflate",
        // §7.1.1.1 / §7.1.1.2: context takeover parameters are agreed as offered
        "permessage-deflate; server_no_context_takeover | permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover | permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover | permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        // §7.1.2.1: server_max_window_bits, 8-15, answered with the same value (honoured, see Compression)
        "permessage-deflate; server_max_window_bits=8 | permessage-deflate; server_max_window_bits=8",
        "permessage-deflate; server_max_window_bits=10 | permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=15 | permessage-deflate; server_max_window_bits=15",
        "permessage-deflate; server_max_window_bits=\"12\" | permessage-deflate; server_max_window_bits=12",
        // §7.1.2.2: client_max_window_bits with no value: nothing to answer; with a value: echoed
        "permessage-deflate; client_max_window_bits | permessage-deflate",
        "permessage-deflate; client_max_window_bits=9 | permessage-deflate; client_max_window_bits=9",
        "permessage-deflate; client_max_window_bits=15 | permessage-deflate; client_max_window_bits=15",
        // everything at once, in another order: the answer uses the RFC's order
        "permessage-deflate; client_max_window_bits=10; server_max_window_bits=11; client_no_context_takeover; server_no_context_takeover | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=10",
        // parameter names without case
        "permessage-deflate; Server_No_Context_Takeover | permessage-deflate; server_no_context_takeover",
        // §5: declined offers
        "permessage-deflate; server_max_window_bits | DECLINED",
        "permessage-deflate; server_max_window_bits=7 | DECLINED",
        "permessage-deflate; server_max_window_bits=16 | DECLINED",
        "permessage-deflate; server_max_window_bits=010 | DECLINED",
        "permessage-deflate; server_max_window_bits=abc | DECLINED",
        "permessage-deflate; client_max_window_bits=0 | DECLINED",
        "permessage-deflate; client_max_window_bits=+9 | DECLINED",
        "permessage-deflate; server_no_context_takeover=1 | DECLINED",
        "permessage-deflate; client_no_context_takeover=true | DECLINED",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover | DECLINED",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=10 | DECLINED",
        "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10 | DECLINED",
        "permessage-deflate; x-unknown | DECLINED",
        "permessage-deflate; mux | DECLINED",
    })
    void singleOffer(String offer, String expected) {
        assertEquals(expected, answer(offer));
    }

    @Test
    void firstAcceptableOfferWins() {
        // The first is declined (bad value), the second accepted, the third never considered.
        assertEquals("permessage-deflate; client_no_context_takeover",
                answer("permessage-deflate; server_max_window_bits=20, permessage-deflate; client_no_context_takeover,"
                        + " permessage-deflate"));
        // Chromium's and Node ws's usual offer
        assertEquals("permessage-deflate", answer("permessage-deflate; client_max_window_bits"));
        // Firefox-style: a preferred offer with a window, then a fallback
        assertEquals("permessage-deflate; server_max_window_bits=10",
                answer("permessage-deflate; server_max_window_bits=10, permessage-deflate"));
    }

    @Test
    void everyOfferDeclinedMeansNoExtension() {
        assertNull(answer("permessage-deflate; foo, permessage-deflate; server_max_window_bits=99"));
    }

    @Test
    void configAsksForMoreThanTheClientOffered() {
        DeflateConfig config = DeflateConfig.noContextTakeover().withServerMaxWindowBits(12).withClientMaxWindowBits(10);
        // §7.1.1.1/§7.1.1.2: a server may add either no_context_takeover; §7.1.2.1: may name a server window
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12",
                answer(config, "permessage-deflate"));
        // §7.1.2.2: client_max_window_bits only when offered, then the smaller of offer and config
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=10",
                answer(config, "permessage-deflate; client_max_window_bits"));
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9",
                answer(config, "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9"));
    }

    @Test
    void agreedParametersDriveTheTransforms() {
        DeflateAgreement a = new PerMessageDeflate().agree(ExtensionOffer.parseHeader(
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=9"));
        assertEquals(new DeflateParameters(true, false, 9, 0), a.parameters());
        assertEquals(9, a.parameters().serverWindowBits());
        assertEquals(15, a.parameters().clientWindowBits());
        assertTrue(a.newOutboundTransform().contextFreeKey() != null, "no server context: output is shareable");
        DeflateAgreement b = new PerMessageDeflate().agree(ExtensionOffer.parseHeader("permessage-deflate"));
        assertNull(b.newOutboundTransform().contextFreeKey(), "context takeover: every connection compresses alone");
    }

    /** Through the handshake module: found by ServiceLoader, and its answer lands in the 101's header. */
    @Test
    void handshakeFindsTheProviderAndAnswers() {
        assertSame(PerMessageDeflate.class, ExtensionProviders.named("permessage-deflate").getClass());
        HandshakeNegotiator n = new HandshakeNegotiator(HandshakeConfig.builder()
                .extensions(List.of(ExtensionProviders.named("permessage-deflate"))).build());
        HandshakeResult r = n.negotiate(request("permessage-deflate; client_max_window_bits=12; server_max_window_bits=14, "
                + "permessage-deflate"));
        assertEquals(1, r.extensions().size());
        assertTrue(r.extensions().get(0) instanceof DeflateAgreement);
        assertEquals("permessage-deflate; server_max_window_bits=14; client_max_window_bits=12",
                ExtensionOffer.formatHeader(r.extensionResponses()));
        // a client offering only broken parameters still gets its 101, without the extension
        HandshakeResult none = n.negotiate(request("permessage-deflate; server_max_window_bits=1"));
        assertTrue(none.extensions().isEmpty());
    }

    static HttpRequest request(String extensions) {
        String head = "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Extensions: " + extensions + "\r\n\r\n";
        HttpRequestParser p = new HttpRequestParser(HttpLimits.defaults());
        assertTrue(p.parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1))));
        return p.request();
    }
}
