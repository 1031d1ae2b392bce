package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.parse;
import static dev.sleet.handshake.TestRequests.withLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6455 §4.2.2 item 5.4 / §11.3.4: the server picks one of the client's subprotocols, in its own order. */
class HandshakeNegotiatorSubprotocolTest {

    private static HandshakeResult negotiate(List<String> serverProtocols, String... protocolLines) {
        String[] lines = new String[protocolLines.length];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "Sec-WebSocket-Protocol: " + protocolLines[i] + "\r\n";
        }
        HandshakeNegotiator n = new HandshakeNegotiator(HandshakeConfig.builder().subprotocols(serverProtocols).build());
        return n.negotiate(parse(withLines(MINIMAL, lines)));
    }

    @Test
    void serverPreferenceWinsOverClientOrder() {
        HandshakeResult r = negotiate(List.of("v2.chat", "v1.chat"), "v1.chat, v2.chat");
        assertEquals(Optional.of("v2.chat"), r.subprotocol());
        assertEquals(List.of("v1.chat", "v2.chat"), r.offeredSubprotocols());
    }

    @Test
    void firstServerProtocolTheClientOffersIsChosenAcrossSeveralFields() {
        assertEquals(Optional.of("mqtt"), negotiate(List.of("wamp", "mqtt", "stomp"), "stomp", "mqtt").subprotocol());
    }

    @Test
    void noCommonProtocolMeansNoneAndTheHandshakeStillSucceeds() {
        // §4.2.2: "the server ... MUST NOT send back a |Sec-WebSocket-Protocol| header field"; the client decides.
        assertEquals(Optional.empty(), negotiate(List.of("chat"), "superchat").subprotocol());
    }

    @Test
    void serverWithoutProtocolsChoosesNone() {
        assertEquals(Optional.empty(), negotiate(List.of(), "chat").subprotocol());
    }

    @Test
    void protocolNamesCompareExactly() {
        assertEquals(Optional.empty(), negotiate(List.of("chat"), "Chat").subprotocol());
    }

    @Test
    void emptyListElementsAreIgnored() {
        // RFC 9110 §5.6.1.2: recipients ignore empty list elements
        assertEquals(Optional.of("chat"), negotiate(List.of("chat"), " , chat ,, ").subprotocol());
    }

    @Test
    void nonTokenElementIsRefusedWith400() {
        // §4.1 item 10: elements are tokens (U+0021–U+007E without separators)
        HandshakeException e = assertThrows(HandshakeException.class, () -> negotiate(List.of("chat"), "chat, a/b"));
        assertEquals(400, e.status());
        assertTrue(e.reason().contains("Sec-WebSocket-Protocol"), e.reason());
        assertEquals(400, assertThrows(HandshakeException.class,
                () -> negotiate(List.of("chat"), "\"chat\"")).status());
    }

    @Test
    void repeatedElementIsRefusedWith400() {
        // §4.1 item 10: "MUST all be unique strings"
        HandshakeException e = assertThrows(HandshakeException.class, () -> negotiate(List.of("chat"), "chat", "chat"));
        assertEquals(400, e.status());
    }

    @Test
    void handlerMayPickAnotherOfferedProtocolButNotAnUnofferedOne() {
        HandshakeResult r = negotiate(List.of("a"), "a, b");
        assertEquals(Optional.of("b"), r.withSubprotocol("b").subprotocol());
        assertEquals(Optional.empty(), r.withSubprotocol(null).subprotocol());
        assertThrows(IllegalArgumentException.class, () -> r.withSubprotocol("c"));
    }

    @Test
    void configRefusesNonTokenAndRepeatedProtocols() {
        assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.builder().subprotocols("a b").build());
        assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.builder().subprotocols("a", "a").build());
    }
}
