package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property (PROTO-08, RFC 6455 §4.2.1): random mutations of valid upgrade requests never make the parser or the
 * negotiator throw anything but {@link HandshakeException}, the outcome does not depend on how the bytes are
 * split, and the server accepts exactly the mutants that an independent judge ({@link HandshakeOracle}) finds
 * valid — so a request that breaks a rule is never accepted.
 */
class HandshakeMutatedRequestPropertyTest {

    private static final int CASES = 4_000;
    private static final String SPECIALS = "\r\n\0 \t:,;\"=\\#/\u007f\u0080\u00ff\u0001";

    private final HandshakeNegotiator negotiator = new HandshakeNegotiator(HandshakeConfig.builder()
            .subprotocols(RandomRequests.SERVER_PROTOCOLS)
            .originPolicy(OriginPolicy.allowOnly(RandomRequests.ALLOWED_ORIGINS))
            .build());

    /** What the server made of some bytes. */
    private record Outcome(String kind, int status, String reason, HttpRequest request, HandshakeResult result) {
        static Outcome incomplete() {
            return new Outcome("incomplete", 0, "", null, null);
        }
    }

    @Test
    void mutantsAreRefusedWithAStatusOrAcceptedOnlyWhenValid() {
        long base = TestSeeds.base();
        int accepted = 0;
        int refused = 0;
        int incomplete = 0;
        for (int i = 0; i < CASES; i++) {
            long seed = TestSeeds.ofCase(base, i);
            try {
                switch (check(new SplittableRandom(seed))) {
                    case ACCEPT -> accepted++;
                    case REFUSE -> refused++;
                    case INCOMPLETE -> incomplete++;
                }
            } catch (AssertionError | RuntimeException e) {
                throw TestSeeds.failure(seed, e);
            }
        }
        // The generator must reach both sides of the line for the property to mean anything.
        assertTrue(accepted > CASES / 50, "accepted mutants: " + accepted);
        assertTrue(refused > CASES / 2, "refused mutants: " + refused);
        System.out.printf("mutants: %d accepted, %d refused, %d incomplete (base seed %d)%n",
                accepted, refused, incomplete, base);
    }

    private HandshakeOracle.Verdict check(SplittableRandom r) {
        HttpLimits limits = r.nextInt(4) == 0
                ? new HttpLimits(40 + r.nextInt(100), 3 + r.nextInt(15), 150 + r.nextInt(600))
                : HttpLimits.defaults();
        String text = new String(RandomRequests.validUpgrade(r).bytes(), StandardCharsets.ISO_8859_1);
        int mutations = 1 + r.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            text = mutate(r, text);
        }
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        // Judge the bytes actually sent: a mutation may insert a char above U+00FF, which ISO-8859-1 encodes as '?'.
        text = new String(bytes, StandardCharsets.ISO_8859_1);

        Outcome whole = run(limits, List.of(ByteBuffer.wrap(bytes)));
        Outcome split = run(limits, RandomRequests.split(r, bytes));
        assertEquals(whole.kind(), split.kind(), "outcome must not depend on the split");
        assertEquals(whole.status(), split.status());
        assertEquals(whole.reason(), split.reason());
        assertEquals(whole.request(), split.request());

        HandshakeOracle.Judgement judgement = HandshakeOracle.judge(text, limits);
        switch (judgement.verdict()) {
            case ACCEPT -> {
                if (!whole.kind().equals("accepted")) {
                    fail("the judge finds this valid but the server said " + whole + ":\n" + escape(text));
                }
                assertEquals(WebSocketAccept.compute(whole.request().headers().first("Sec-WebSocket-Key").orElseThrow()),
                        whole.result().accept());
            }
            case REFUSE -> {
                if (!whole.kind().equals("refused")) {
                    fail("the judge finds rule \"" + judgement.rule() + "\" broken but the server said " + whole.kind()
                            + ":\n" + escape(text));
                }
            }
            case INCOMPLETE -> {
                if (whole.kind().equals("accepted")) {
                    fail("accepted a head that has not ended:\n" + escape(text));
                }
            }
        }
        if (whole.kind().equals("refused")) {
            assertTrue(whole.status() == 400 || whole.status() == 403 || whole.status() == 414
                    || whole.status() == 426 || whole.status() == 431, "status " + whole.status());
        }
        return judgement.verdict();
    }

    private Outcome run(HttpLimits limits, List<ByteBuffer> pieces) {
        HttpRequestParser parser = new HttpRequestParser(limits);
        try {
            for (ByteBuffer piece : pieces) {
                if (parser.parse(piece)) {
                    HandshakeResult result = negotiator.negotiate(parser.request());
                    HandshakeResponses.switchingProtocols(result);
                    return new Outcome("accepted", 101, "", parser.request(), result);
                }
            }
            return Outcome.incomplete();
        } catch (HandshakeException e) {
            HandshakeResponses.error(e); // every refusal must be writable
            return new Outcome("refused", e.status(), e.reason(), null, null);
        }
    }

    private static String mutate(SplittableRandom r, String s) {
        if (s.isEmpty()) {
            return "\r\n";
        }
        int at = r.nextInt(s.length());
        switch (r.nextInt(10)) {
            case 0: // replace a character with a random byte
                return s.substring(0, at) + (char) r.nextInt(256) + s.substring(at + 1);
            case 1: // replace with a delimiter or a control character
                return s.substring(0, at) + SPECIALS.charAt(r.nextInt(SPECIALS.length())) + s.substring(at + 1);
            case 2: // insert a delimiter or a control character
                return s.substring(0, at) + SPECIALS.charAt(r.nextInt(SPECIALS.length())) + s.substring(at);
            case 3: { // delete a run
                int end = Math.min(s.length(), at + 1 + r.nextInt(8));
                return s.substring(0, at) + s.substring(end);
            }
            case 4: { // duplicate a line
                int[] line = lineAround(s, at);
                return s.substring(0, line[1]) + s.substring(line[0], line[1]) + s.substring(line[1]);
            }
            case 5: { // delete a line
                int[] line = lineAround(s, at);
                return s.substring(0, line[0]) + s.substring(line[1]);
            }
            case 6: { // flip the case of a run
                int end = Math.min(s.length(), at + 1 + r.nextInt(20));
                StringBuilder sb = new StringBuilder(s);
                for (int k = at; k < end; k++) {
                    char c = sb.charAt(k);
                    sb.setCharAt(k, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                }
                return sb.toString();
            }
            case 7: // insert optional whitespace
                return s.substring(0, at) + RandomRequests.ows(r) + s.substring(at);
            case 8: { // insert a field line before the end of the head
                int end = s.indexOf("\r\n\r\n");
                int where = end < 0 ? at : end + 2;
                String field = RandomRequests.pick(r, "Host: other\r\n", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n",
                        "Sec-WebSocket-Version: 13\r\n", "Origin: https://evil.example\r\n", "Origin: https://b.example.org\r\n",
                        "Origin: https://example.org\r\n", "Origin: https://badexample.org\r\n",
                        "Origin: https://example.com.evil.org\r\n", "Origin: http://example.com\r\n",
                        "Sec-WebSocket-Protocol: chat\r\n", "Sec-WebSocket-Extensions: x; y=\"z\"\r\n",
                        "Content-Length: 0\r\n", "Content-Length: 7\r\n", "Transfer-Encoding: chunked\r\n",
                        "Connection: close\r\n", "Upgrade: h2c\r\n", " folded\r\n", "X-Y : 1\r\n", "X-Z:\r\n");
                return s.substring(0, where) + field + s.substring(where);
            }
            default: { // truncate
                return s.substring(0, at);
            }
        }
    }

    /** [start, end) of the CRLF-terminated line containing {@code at} (end after its CRLF, or the string end). */
    private static int[] lineAround(String s, int at) {
        int start = s.lastIndexOf("\r\n", at - 1);
        start = start < 0 ? 0 : start + 2;
        if (start > at) {
            start = 0;
        }
        int end = s.indexOf("\r\n", at);
        end = end < 0 ? s.length() : end + 2;
        return new int[] {start, end};
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n\n");
            } else if (c < 0x20 || c >= 0x7F) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
