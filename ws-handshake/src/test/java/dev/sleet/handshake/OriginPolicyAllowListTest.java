package dev.sleet.handshake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.parse;
import static dev.sleet.handshake.TestRequests.withLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6455 §4.2.2 item 4 and §10.2, RFC 6454 §7: the Origin allow-list, refused with 403. */
class OriginPolicyAllowListTest {

    private final OriginPolicy policy = OriginPolicy.allowOnly("https://chat.example.com", "https://*.example.org",
            "http://localhost:8080");

    @ParameterizedTest
    @ValueSource(strings = {
        "https://chat.example.com", "HTTPS://Chat.Example.COM", "https://chat.example.com:443",
        "https://a.example.org", "https://a.b.example.org", "https://A.Example.Org:443", "http://localhost:8080",
    })
    void allowed(String origin) {
        assertTrue(policy.allows(origin), origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://chat.example.com", "https://chat.example.com:8443", "https://evil.com", "https://chat.example.com.evil.com",
        "https://example.org", "https://badexample.org", "https://a.example.org:8443", "http://a.example.org",
        "http://localhost", "http://localhost:80", "null", "", "chat.example.com", "https://chat.example.com/",
        "https://chat.example.com/path", "https://*.example.org", "https://a..example.org", "https://.example.org",
        "https://chat.example.com:", "https://chat.example.com:99999",
    })
    void refused(String origin) {
        assertFalse(policy.allows(origin), origin);
    }

    @Test
    void missingOriginIsAllowedUnlessRequired() {
        assertTrue(policy.allows(null));
        assertFalse(policy.rejectingMissingOrigin().allows(null));
        assertTrue(policy.rejectingMissingOrigin().allows("https://chat.example.com"));
    }

    @Test
    void allowAllIsTheDefault() {
        assertTrue(HandshakeConfig.defaults().originPolicy().isAllowAll());
        assertTrue(OriginPolicy.allowAll().allows("https://anything.example"));
        assertTrue(OriginPolicy.allowAll().allows(null));
    }

    @Test
    void opaqueOriginOnlyWhenListed() {
        assertTrue(OriginPolicy.allowOnly("null").allows("null"));
    }

    @Test
    void ipv6LiteralOrigins() {
        OriginPolicy v6 = OriginPolicy.allowOnly("http://[::1]:8080");
        assertTrue(v6.allows("http://[::1]:8080"));
        assertFalse(v6.allows("http://[::2]:8080"));
    }

    @Test
    void badPatternsAreRefusedAtConfiguration() {
        for (String bad : new String[] {"*", "example.com", "https://", "https://a.com/path", "https://*", "https://a.*.com",
                "https://*.[::1]"}) {
            assertThrows(IllegalArgumentException.class, () -> OriginPolicy.allowOnly(bad), bad);
        }
    }

    @Test
    void negotiatorRefusesAForeignOriginWith403() {
        HandshakeNegotiator n = new HandshakeNegotiator(HandshakeConfig.builder().originPolicy(policy).build());
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> n.negotiate(parse(withLines(MINIMAL, "Origin: https://evil.example\r\n"))));
        assertEquals(403, e.status());
        assertEquals("Origin not allowed", e.reason());
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                n.negotiate(parse(withLines(MINIMAL, "Origin: https://x.example.org\r\n"))).accept());
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", n.negotiate(parse(MINIMAL)).accept());
    }

    @Test
    void negotiatorRefusesTwoOriginsAndAMissingRequiredOriginWith403() {
        HandshakeNegotiator n = new HandshakeNegotiator(
                HandshakeConfig.builder().originPolicy(policy.rejectingMissingOrigin()).build());
        assertEquals(403, assertThrows(HandshakeException.class, () -> n.negotiate(parse(MINIMAL))).status());
        HandshakeException two = assertThrows(HandshakeException.class, () -> n.negotiate(parse(withLines(MINIMAL,
                "Origin: https://chat.example.com\r\n", "Origin: https://chat.example.com\r\n"))));
        assertEquals(403, two.status());
        assertEquals("more than one Origin field", two.reason());
    }
}
