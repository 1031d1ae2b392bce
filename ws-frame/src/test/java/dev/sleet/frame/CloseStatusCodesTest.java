package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Close codes and reasons (RFC 6455 §5.5.1, §7.4, §11.7; PROTO-07; Autobahn 7.7, 7.9): which codes may be on
 * the wire, which a server or client may send, reason trimming on a UTF-8 boundary, and the close frame payload.
 */
class CloseStatusCodesTest {

    @Test
    void codesValidOnTheWire() {
        // Autobahn 7.7.x (valid) and 7.9.x (invalid), plus the IANA-registered 1012–1014.
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
            assertTrue(CloseCodes.isValidOnWire(code), "valid " + code);
        }
        for (int code : new int[] {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            assertFalse(CloseCodes.isValidOnWire(code), "invalid " + code);
        }
        for (int code = 0; code < 70_000; code++) {
            boolean expected = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
            assertEquals(expected, CloseCodes.isValidOnWire(code), "code " + code);
        }
    }

    @Test
    void codesSendableByRole() {
        // 1010 is a client's complaint about the server's extensions; 1012–1014 describe a server.
        assertFalse(CloseCodes.isSendable(CloseCodes.MANDATORY_EXTENSION, Role.SERVER));
        assertTrue(CloseCodes.isSendable(CloseCodes.MANDATORY_EXTENSION, Role.CLIENT));
        for (int code : new int[] {1012, 1013, 1014}) {
            assertTrue(CloseCodes.isSendable(code, Role.SERVER));
            assertFalse(CloseCodes.isSendable(code, Role.CLIENT));
        }
        for (Role role : Role.values()) {
            for (int code : new int[] {1005, 1006, 1015, 1004, 999, 5000}) {
                assertFalse(CloseCodes.isSendable(code, role), role + " " + code);
            }
            for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 3000, 4999}) {
                assertTrue(CloseCodes.isSendable(code, role), role + " " + code);
            }
        }
    }

    @Test
    void constantsMatchTheRfc() {
        assertEquals(1000, CloseCodes.NORMAL);
        assertEquals(1001, CloseCodes.GOING_AWAY);
        assertEquals(1002, CloseCodes.PROTOCOL_ERROR);
        assertEquals(1003, CloseCodes.UNSUPPORTED_DATA);
        assertEquals(1005, CloseCodes.NO_STATUS);
        assertEquals(1006, CloseCodes.ABNORMAL);
        assertEquals(1007, CloseCodes.INVALID_PAYLOAD);
        assertEquals(1008, CloseCodes.POLICY_VIOLATION);
        assertEquals(1009, CloseCodes.MESSAGE_TOO_BIG);
        assertEquals(1010, CloseCodes.MANDATORY_EXTENSION);
        assertEquals(1011, CloseCodes.INTERNAL_ERROR);
        assertEquals(1012, CloseCodes.SERVICE_RESTART);
        assertEquals(1013, CloseCodes.TRY_AGAIN_LATER);
        assertEquals(1014, CloseCodes.BAD_GATEWAY);
        assertEquals(1015, CloseCodes.TLS);
        assertEquals(1002, new ProtocolException("x").closeCode());
        assertEquals(1007, new InvalidPayloadException("x").closeCode());
        assertEquals(1009, new MessageTooBigException("x").closeCode());
        assertEquals(new CloseStatus(1009, "too big"), new MessageTooBigException("too big").closeStatus());
    }

    @Test
    void reasonIsTrimmedOnACodePointBoundary() {
        // §5.5: a control frame holds 125 bytes, so a reason holds 123.
        String ascii = "a".repeat(200);
        assertEquals(123, new CloseStatus(1000, ascii).trimmedReason().length());
        String twoByte = "é".repeat(100); // 200 bytes: 61 characters fit (122 bytes)
        assertEquals("é".repeat(61), new CloseStatus(1000, twoByte).trimmedReason());
        String threeByte = "€".repeat(50); // 150 bytes: 41 fit exactly (123 bytes)
        assertEquals("€".repeat(41), new CloseStatus(1000, threeByte).trimmedReason());
        String fourByte = "a" + "𝄞".repeat(40); // 1 + 4n: 30 code points fit (121 bytes); no half pair
        String trimmed = new CloseStatus(1000, fourByte).trimmedReason();
        assertEquals("a" + "𝄞".repeat(30), trimmed);
        String mixed = "x".repeat(121) + "é" + "y";
        assertEquals("x".repeat(121) + "é", new CloseStatus(1000, mixed).trimmedReason());
        String fits = "x".repeat(123);
        assertEquals(fits, new CloseStatus(1000, fits).trimmedReason());
        for (int n = 0; n < 300; n++) {
            String s = "ab€𝄞é".repeat(n / 5 + 1).substring(0, n);
            byte[] enc = new CloseStatus(1000, s).trimmedReason().getBytes(StandardCharsets.UTF_8);
            assertTrue(enc.length <= 123, "at most 123 bytes");
        }
    }

    @Test
    void closeFramePayload() {
        assertArrayEquals(new byte[] {0x03, (byte) 0xE8}, Feed.bytes(Frames.closePayload(CloseStatus.NORMAL)));
        assertArrayEquals(new byte[] {0x0F, (byte) 0xA0, 'h', 'i'}, Feed.bytes(Frames.closePayload(new CloseStatus(4000, "hi"))));
        assertEquals(0, Frames.closePayload(CloseStatus.NO_STATUS).remaining(), "1005 means: close frame without payload");
        ByteBuffer frame = Frames.close(new CloseStatus(1001, "x".repeat(500)));
        assertEquals(2 + 125, frame.remaining(), "the frame is capped at 125 payload bytes");
        assertEquals(new CloseStatus(1001, "x".repeat(123)), CloseStatus.decode(frame.position(2)));
        assertThrows(IllegalArgumentException.class, () -> Frames.close(CloseStatus.ABNORMAL));
        assertThrows(IllegalArgumentException.class, () -> Frames.close(new CloseStatus(1015, "")));
        assertThrows(IllegalArgumentException.class, () -> Frames.close(new CloseStatus(1004, "")));
        assertThrows(IllegalArgumentException.class, () -> Frames.close(new CloseStatus(1010, "")), "client-only code");
        assertEquals(2, Frames.close(CloseStatus.NO_STATUS).remaining());
    }

    @Test
    void decodeChecksTheReceivedPayload() {
        assertEquals(CloseStatus.NO_STATUS, CloseStatus.decode(ByteBuffer.allocate(0)));
        assertEquals(1002, assertThrows(ProtocolException.class, () -> CloseStatus.decode(ByteBuffer.wrap(new byte[] {3}))).closeCode());
        assertEquals(1002, assertThrows(ProtocolException.class, () -> CloseStatus.decode(ByteBuffer.allocate(126).putShort(0, (short) 1000))).closeCode());
        ByteBuffer p = ByteBuffer.wrap(new byte[] {0, 0, 0x03, (byte) 0xE9, 'o', 'k'}).position(2);
        assertEquals(new CloseStatus(1001, "ok"), CloseStatus.decode(p));
        assertEquals(2, p.position(), "position not moved");
    }

    @Test
    void recordRules() {
        assertEquals("", new CloseStatus(1000, null).reason());
        assertThrows(IllegalArgumentException.class, () -> new CloseStatus(-1, ""));
        assertThrows(IllegalArgumentException.class, () -> new CloseStatus(65536, ""));
        assertEquals("1000 NORMAL \"bye\"", CloseStatus.of(1000, "bye").toString());
        assertEquals("4001 PRIVATE", CloseStatus.of(4001).toString());
    }
}
