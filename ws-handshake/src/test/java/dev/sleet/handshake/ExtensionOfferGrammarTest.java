package dev.sleet.handshake;

import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6455 §9.1: the Sec-WebSocket-Extensions grammar, parsed and formatted. */
class ExtensionOfferGrammarTest {

    @Test
    void namesParametersAndValuesInOrder() {
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(
                "permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo");
        assertEquals(List.of(
                ExtensionOffer.of("permessage-deflate", ExtensionParameter.of("client_max_window_bits"),
                        ExtensionParameter.of("server_max_window_bits", "10")),
                ExtensionOffer.of("x-foo")), offers);
    }

    @Test
    void quotedValuesAreUnquotedAndEscapesResolved() {
        // §9.1: "the value after quoted-string unescaping MUST conform to the 'token' ABNF"
        ExtensionOffer o = ExtensionOffer.parseHeader("ext; a=\"10\"; b=\"x\\yz\"").get(0);
        assertEquals(List.of(ExtensionParameter.of("a", "10"), ExtensionParameter.of("b", "xyz")), o.parameters());
    }

    @Test
    void optionalWhitespaceAroundSeparatorsAndEmptyElements() {
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(" ,ext \t;\ta = 1 ;b ,, other ;c= \"2\" , ");
        assertEquals(List.of(
                ExtensionOffer.of("ext", ExtensionParameter.of("a", "1"), ExtensionParameter.of("b")),
                ExtensionOffer.of("other", ExtensionParameter.of("c", "2"))), offers);
    }

    @Test
    void severalOffersOfOneExtensionAcrossFieldsKeepTheirOrder() {
        // RFC 7692 §5: a client may offer permessage-deflate several times, most preferred first
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(List.of(
                "permessage-deflate; client_max_window_bits=10", "x-a, permessage-deflate"));
        assertEquals(List.of("permessage-deflate", "x-a", "permessage-deflate"),
                offers.stream().map(ExtensionOffer::name).toList());
        assertEquals(Optional.of(ExtensionParameter.of("client_max_window_bits", "10")),
                offers.get(0).parameter("CLIENT_MAX_WINDOW_BITS"));
    }

    @Test
    void duplicateParametersAreKeptForTheProviderToJudge() {
        ExtensionOffer o = ExtensionOffer.parseHeader("permessage-deflate; server_no_context_takeover; "
                + "server_no_context_takeover").get(0);
        assertEquals(2, o.parameters().size());
    }

    @Test
    void emptyValueParsesToNoOffers() {
        assertEquals(List.of(), ExtensionOffer.parseHeader(""));
        assertEquals(List.of(), ExtensionOffer.parseHeader(" , "));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ext;", "ext; ", ";a", "ext; =1", "ext; a=", "ext; a=\"\"", "ext; a=\"1 2\"", "ext; a=\"x", "ext; a=\"x\\",
        "ext; a=\"x,y\"", "ext a", "ext; a b", "ext; a=1=2", "e(xt)", "ext; a=1;", "ext; a=\u00e4", "\"ext\"",
        "ext, ;a", "ext; a=/",
    })
    void malformedValuesAreRefusedWith400(String value) {
        HandshakeException e = assertThrows(HandshakeException.class, () -> ExtensionOffer.parseHeader(value));
        assertEquals(400, e.status());
        assertTrue(e.reason().startsWith("malformed Sec-WebSocket-Extensions"), e.reason());
    }

    @Test
    void formatWritesTheCanonicalWireFormAndParsesBack() {
        List<ExtensionOffer> offers = List.of(
                ExtensionOffer.of("permessage-deflate", ExtensionParameter.of("server_no_context_takeover"),
                        ExtensionParameter.of("client_max_window_bits", "12")),
                ExtensionOffer.of("x-b"));
        String header = ExtensionOffer.formatHeader(offers);
        assertEquals("permessage-deflate; server_no_context_takeover; client_max_window_bits=12, x-b", header);
        assertEquals(offers, ExtensionOffer.parseHeader(header));
    }

    @Test
    void recordsRefuseNamesAndValuesThatAreNotTokens() {
        assertThrows(IllegalArgumentException.class, () -> ExtensionOffer.of("a b"));
        assertThrows(IllegalArgumentException.class, () -> ExtensionParameter.of("a", "1 2"));
        assertThrows(IllegalArgumentException.class, () -> ExtensionParameter.of("a=", "1"));
        assertThrows(NullPointerException.class, () -> ExtensionParameter.of("a", null));
    }
}
