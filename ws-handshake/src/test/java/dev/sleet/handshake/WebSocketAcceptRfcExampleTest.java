package dev.sleet.handshake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6455 §1.3 and §4.2.2 item 5.4: the accept value; §4.1 item 7: what a valid key is. */
class WebSocketAcceptRfcExampleTest {

    @Test
    void rfc6455Section1_3ExampleKeyGivesTheExampleAccept() {
        // RFC 6455 §1.3: "dGhlIHNhbXBsZSBub25jZQ==" -> "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketAccept.compute("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void secondWellKnownExampleKey() {
        // The key/accept pair of the Wikipedia WebSocket article, computed the RFC 6455 §4.2.2 item 5.4 way
        assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", WebSocketAccept.compute("x3JJHMbDL1EzLkh9GBhXDw=="));
    }

    @Test
    void acceptMatchesAnIndependentSha1OfKeyAndGuidForRandomKeys() throws Exception {
        long seed = TestSeeds.base();
        for (int i = 0; i < 200; i++) {
            long s = TestSeeds.ofCase(seed, i);
            try {
                byte[] raw = new byte[16];
                new SplittableRandom(s).nextBytes(raw);
                String key = Base64.getEncoder().encodeToString(raw);
                MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                String expected = Base64.getEncoder().encodeToString(
                        sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                assertEquals(expected, WebSocketAccept.compute(key));
                assertTrue(WebSocketAccept.isValidKey(key), key);
            } catch (AssertionError e) {
                throw TestSeeds.failure(s, e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ===",
        "dGhlIHNhbXBsZSBub25jZ===", "dGhlIHNhbXBsZSBub25j", "dGhlIHNhbXBsZSBub25jZQ==dGhl",
        "dGhlIHNhbXBsZSBub25j ZQ=", "dGhlIHNhbXBsZSBub25jZQ-_", "dGhlIHNhbXBsZSBub25jZQ=A",
        "c2FtcGxlIG5vbmNlIDE3Ynk=",   // 17 bytes
        "c2FtcGxlIG5vbmNlIDE1",       // 15 bytes
        "c2FtcGxlIG5vbmNlLV8tMTli",   // 18 bytes, valid Base64
    })
    void keysThatAreNotTheBase64OfSixteenBytesAreInvalid(String key) {
        // RFC 6455 §4.2.1 item 5: the key must decode to 16 bytes
        assertFalse(WebSocketAccept.isValidKey(key), key);
    }

    @Test
    void validityAgreesWithTheJdkDecoderOnRandomTwentyFourCharacterStrings() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ .";
        long seed = TestSeeds.base();
        for (int i = 0; i < 5000; i++) {
            long s = TestSeeds.ofCase(seed, i);
            SplittableRandom r = new SplittableRandom(s);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 24; k++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            if (r.nextBoolean()) {
                sb.setCharAt(22, '=');
                sb.setCharAt(23, '=');
            }
            String key = sb.toString();
            boolean jdk;
            try {
                jdk = Base64.getDecoder().decode(key).length == 16;
            } catch (IllegalArgumentException e) {
                jdk = false;
            }
            try {
                assertEquals(jdk, WebSocketAccept.isValidKey(key), key);
            } catch (AssertionError e) {
                throw TestSeeds.failure(s, e);
            }
        }
    }
}
