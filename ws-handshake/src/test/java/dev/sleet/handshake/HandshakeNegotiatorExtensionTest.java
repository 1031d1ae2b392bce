package dev.sleet.handshake;

import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;
import dev.sleet.handshake.spi.ExtensionProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.parse;
import static dev.sleet.handshake.TestRequests.withLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6455 §9.1 and RFC 7692 §5: extension offers reach their provider; the response lists what was accepted. */
class HandshakeNegotiatorExtensionTest {

    /** A provider whose answer is a function of the offers; records every call. */
    static final class FakeProvider implements ExtensionProvider {
        final String name;
        final boolean available;
        final Function<List<ExtensionOffer>, Optional<ExtensionAgreement>> answer;
        final List<List<ExtensionOffer>> calls = new ArrayList<>();

        FakeProvider(String name, boolean available, Function<List<ExtensionOffer>, Optional<ExtensionAgreement>> answer) {
            this.name = name;
            this.available = available;
            this.answer = answer;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isAvailable() {
            return available;
        }

        @Override
        public Optional<ExtensionAgreement> negotiate(List<ExtensionOffer> offers) {
            calls.add(offers);
            return answer.apply(offers);
        }
    }

    private static Optional<ExtensionAgreement> agree(ExtensionOffer response) {
        return Optional.of(() -> response);
    }

    private static HandshakeResult negotiate(List<? extends ExtensionProvider> providers, String... extensionLines) {
        String[] lines = new String[extensionLines.length];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "Sec-WebSocket-Extensions: " + extensionLines[i] + "\r\n";
        }
        HandshakeConfig config = HandshakeConfig.builder().extensions(providers).build();
        return new HandshakeNegotiator(config).negotiate(parse(withLines(MINIMAL, lines)));
    }

    @Test
    void providerGetsEveryOfferOfItsNameInClientOrderAndPicksOne() {
        FakeProvider deflate = new FakeProvider("permessage-deflate", true,
                offers -> agree(ExtensionOffer.of("permessage-deflate", offers.get(1).parameters().toArray(new ExtensionParameter[0]))));
        HandshakeResult r = negotiate(List.of(deflate),
                "permessage-deflate; client_max_window_bits=10; server_max_window_bits=10, x-other",
                "PerMessage-Deflate; server_no_context_takeover");
        assertEquals(1, deflate.calls.size());
        List<ExtensionOffer> seen = deflate.calls.get(0);
        assertEquals(2, seen.size());
        assertEquals("client_max_window_bits", seen.get(0).parameters().get(0).name());
        assertEquals("server_no_context_takeover", seen.get(1).parameters().get(0).name());
        assertEquals(List.of(ExtensionOffer.of("permessage-deflate", ExtensionParameter.of("server_no_context_takeover"))),
                r.extensionResponses());
    }

    @Test
    void declinedAndUnknownExtensionsAreLeftOutOfTheResult() {
        FakeProvider a = new FakeProvider("x-a", true, offers -> Optional.empty());
        FakeProvider b = new FakeProvider("x-b", true, offers -> agree(ExtensionOffer.of("x-b")));
        HandshakeResult r = negotiate(List.of(a, b), "x-unknown, x-a, x-b; p=1");
        assertEquals(1, a.calls.size());
        assertEquals(List.of(ExtensionOffer.of("x-b")), r.extensionResponses());
    }

    @Test
    void acceptedExtensionsAreListedInTheOrderTheClientFirstOfferedThem() {
        FakeProvider a = new FakeProvider("x-a", true, offers -> agree(ExtensionOffer.of("x-a")));
        FakeProvider b = new FakeProvider("x-b", true, offers -> agree(ExtensionOffer.of("x-b")));
        HandshakeResult r = negotiate(List.of(a, b), "x-b, x-a, x-b; q");
        assertEquals(List.of("x-b", "x-a"), r.extensionResponses().stream().map(ExtensionOffer::name).toList());
    }

    @Test
    void unavailableProviderIsNeverAsked() {
        FakeProvider off = new FakeProvider("x-a", false, offers -> agree(ExtensionOffer.of("x-a")));
        assertEquals(List.of(), negotiate(List.of(off), "x-a").extensions());
        assertEquals(0, off.calls.size());
    }

    @Test
    void noOfferMeansNoCall() {
        FakeProvider a = new FakeProvider("x-a", true, offers -> agree(ExtensionOffer.of("x-a")));
        assertEquals(List.of(), new HandshakeNegotiator(HandshakeConfig.builder().extension(a).build())
                .negotiate(parse(MINIMAL)).extensions());
        assertEquals(0, a.calls.size());
    }

    @Test
    void malformedFieldIsRefusedWith400EvenWithoutProviders() {
        HandshakeException e = assertThrows(HandshakeException.class, () -> negotiate(List.of(), "x-a; =1"));
        assertEquals(400, e.status());
        assertTrue(e.reason().contains("Sec-WebSocket-Extensions"), e.reason());
    }

    @Test
    void providerRefusalWithHandshakeExceptionPropagates() {
        FakeProvider strict = new FakeProvider("x-a", true, offers -> {
            throw new HandshakeException(400, "bad x-a parameters");
        });
        assertEquals("bad x-a parameters",
                assertThrows(HandshakeException.class, () -> negotiate(List.of(strict), "x-a; z")).reason());
    }

    @Test
    void providerBugDeclinesTheExtensionInsteadOfFailingTheHandshake() {
        FakeProvider broken = new FakeProvider("x-a", true, offers -> {
            throw new IllegalStateException("bug");
        });
        FakeProvider wrongName = new FakeProvider("x-b", true, offers -> agree(ExtensionOffer.of("x-c")));
        FakeProvider nullAnswer = new FakeProvider("x-d", true, offers -> null);
        HandshakeResult r = negotiate(List.of(broken, wrongName, nullAnswer), "x-a, x-b, x-d");
        assertEquals(List.of(), r.extensions());
        assertEquals(1, broken.calls.size());
        assertEquals(1, wrongName.calls.size());
    }

    @Test
    void configRefusesTwoProvidersForOneName() {
        FakeProvider a = new FakeProvider("x-a", true, offers -> Optional.empty());
        FakeProvider b = new FakeProvider("X-A", true, offers -> Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.builder().extension(a).extension(b).build());
    }
}
