package dev.sleet.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyProtocolParser} against HAProxy's "The PROXY protocol" (v1 §2.1, v2 §2.2): every valid header is fed
 * whole, byte by byte, and split at every point into two buffers, followed by the start of an HTTP request that
 * the parser must leave alone; every invalid one fails the same way however it is split.
 */
class ProxyProtocolParserSplitTest {

    private static final byte[] REST = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] V2_SIG = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 header: version/command byte, family/transport byte, then {@code body} (addresses and TLVs). */
    static byte[] v2(int verCmd, int famProto, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIG);
        out.write(verCmd);
        out.write(famProto);
        out.write(body.length >>> 8);
        out.write(body.length & 0xFF);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] inet4Body(byte[] tlvs) {
        ByteBuffer b = ByteBuffer.allocate(12 + tlvs.length);
        b.put(new byte[] {(byte) 192, 0, 2, 1}).put(new byte[] {(byte) 198, 51, 100, 1});
        b.putShort((short) 56324).putShort((short) 443).put(tlvs);
        return b.array();
    }

    static byte[] inet6Body(byte[] tlvs) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(36 + tlvs.length);
        b.put(InetAddress.getByName("2001:db8::1").getAddress()).put(InetAddress.getByName("2001:db8::2").getAddress());
        b.putShort((short) 65535).putShort((short) 443).put(tlvs);
        return b.array();
    }

    /** TLVs: ALPN "h2" (0x01), authority (0x02), a NOOP (0x04) with an empty value. */
    static final byte[] TLVS = {0x01, 0x00, 0x02, 'h', '2', 0x02, 0x00, 0x03, 'a', '.', 'b', 0x04, 0x00, 0x00};

    private static byte[] withRest(byte[] header) {
        byte[] all = new byte[header.length + REST.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(REST, 0, all, header.length, REST.length);
        return all;
    }

    /** Parses {@code header} + an HTTP line at every split; all must agree; returns the header. */
    private static ProxyHeader parseEverySplit(byte[] header) throws Exception {
        byte[] all = withRest(header);
        ProxyHeader first = null;
        for (int cut = 0; cut <= all.length; cut++) {
            ProxyHeader h = parseSplit(all, header.length, cut);
            if (first == null) {
                first = h;
            }
            assertEquals(first, h, "split at " + cut);
        }
        ProxyProtocolParser bytewise = new ProxyProtocolParser();
        for (int i = 0; i < header.length; i++) {
            ByteBuffer one = ByteBuffer.wrap(all, i, 1);
            assertEquals(i == header.length - 1, bytewise.parse(one), "byte " + i);
            assertFalse(one.hasRemaining());
        }
        assertEquals(first, bytewise.header());
        return first;
    }

    private static ProxyHeader parseSplit(byte[] all, int headerLength, int cut) throws Exception {
        ProxyProtocolParser p = new ProxyProtocolParser();
        ByteBuffer a = ByteBuffer.wrap(all, 0, cut);
        if (p.parse(a)) {
            assertEquals(headerLength, a.position(), "stops right after the header");
            return p.header();
        }
        assertEquals(cut, a.position(), "a short chunk is consumed whole");
        ByteBuffer b = ByteBuffer.wrap(all, cut, all.length - cut);
        assertTrue(p.parse(b), "complete after the second part (cut " + cut + ")");
        assertEquals(headerLength, b.position(), "stops right after the header");
        return p.header();
    }

    private static String failEverySplit(byte[] bad) {
        String message = null;
        for (int cut = 0; cut <= bad.length; cut++) {
            ProxyProtocolParser p = new ProxyProtocolParser();
            int c = cut;
            ProxyProtocolException e = assertThrows(ProxyProtocolException.class, () -> {
                if (!p.parse(ByteBuffer.wrap(bad, 0, c))) {
                    p.parse(ByteBuffer.wrap(bad, c, bad.length - c));
                }
            }, "split at " + cut);
            message = message == null ? e.getMessage() : message;
            assertEquals(message, e.getMessage(), "split at " + cut);
            assertThrows(IllegalStateException.class, () -> p.parse(ByteBuffer.allocate(1)), "terminal");
        }
        return message;
    }

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void v1Tcp4() throws Exception {
        ProxyHeader h = parseEverySplit(ascii("PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"));
        assertEquals(new ProxyHeader(1, false, Optional.of(at("192.0.2.1", 56324)),
                Optional.of(at("198.51.100.1", 443))), h);
    }

    @Test
    void v1Tcp6() throws Exception {
        ProxyHeader h = parseEverySplit(ascii("PROXY TCP6 2001:db8::1 2001:db8::2 65535 443\r\n"));
        assertEquals(Optional.of(at("2001:db8::1", 65535)), h.source());
        assertEquals(Optional.of(at("2001:db8::2", 443)), h.destination());
    }

    @Test
    void v1UnknownKeepsNoAddress() throws Exception {
        assertEquals(ProxyHeader.unknown(1, false), parseEverySplit(ascii("PROXY UNKNOWN\r\n")));
        assertEquals(ProxyHeader.unknown(1, false),
                parseEverySplit(ascii("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")));
    }

    @Test
    void v1LongestLineIs107Bytes() throws Exception {
        String longest = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                + " ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        assertEquals(107, longest.length());
        parseEverySplit(ascii(longest));
        String tooLong = longest.replace("UNKNOWN ", "UNKNOWN  ");
        assertTrue(failEverySplit(ascii(tooLong)).contains("longer than 107"));
    }

    @Test
    void v2ProxyInet4WithTlvs() throws Exception {
        ProxyHeader h = parseEverySplit(v2(0x21, 0x11, inet4Body(TLVS)));
        assertEquals(new ProxyHeader(2, false, Optional.of(at("192.0.2.1", 56324)),
                Optional.of(at("198.51.100.1", 443))), h);
    }

    @Test
    void v2ProxyInet6() throws Exception {
        ProxyHeader h = parseEverySplit(v2(0x21, 0x21, inet6Body(new byte[0])));
        assertEquals(Optional.of(at("2001:db8::1", 65535)), h.source());
        parseEverySplit(v2(0x21, 0x21, inet6Body(TLVS)));
    }

    @Test
    void v2LocalIgnoresItsAddressBlock() throws Exception {
        assertEquals(ProxyHeader.unknown(2, true), parseEverySplit(v2(0x20, 0x00, new byte[0])));
        assertEquals(ProxyHeader.unknown(2, true), parseEverySplit(v2(0x20, 0x11, inet4Body(new byte[0]))));
    }

    @Test
    void v2UnspecAndUnixKeepNoAddress() throws Exception {
        assertEquals(ProxyHeader.unknown(2, false), parseEverySplit(v2(0x21, 0x00, new byte[0])));
        assertEquals(ProxyHeader.unknown(2, false), parseEverySplit(v2(0x21, 0x31, new byte[216])));
    }

    @Test
    void v2AtTheLengthLimit() throws Exception {
        byte[] pad = new byte[ProxyProtocolParser.MAX_V2_HEADER - 16 - 12];
        pad[0] = 0x04; // one NOOP TLV filling the rest
        int len = pad.length - 3;
        pad[1] = (byte) (len >>> 8);
        pad[2] = (byte) len;
        parseEverySplit(v2(0x21, 0x11, inet4Body(pad)));
        byte[] over = new byte[pad.length + 1];
        System.arraycopy(pad, 0, over, 0, pad.length);
        over[2] = (byte) (len + 1);
        byte[] header = v2(0x21, 0x11, inet4Body(over));
        // fails at the fixed part, before the body arrives
        assertTrue(failEverySplit(java.util.Arrays.copyOf(header, 16)).contains("longer than 4096"));
    }

    @Test
    void garbageAndBrokenHeadersFail() throws Exception {
        failEverySplit(ascii("GET / HTTP/1.1\r\n\r\n"));
        failEverySplit(ascii("PROXX TCP4 1.2.3.4 5.6.7.8 1 2\r\n"));
        failEverySplit(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"));          // no CR
        failEverySplit(ascii("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"));
        failEverySplit(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"));
        failEverySplit(ascii("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n"));      // double space
        failEverySplit(ascii("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n"));
        failEverySplit(ascii("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n"));      // leading zero
        failEverySplit(ascii("PROXY TCP4 ::1 5.6.7.8 1 2\r\n"));           // family mismatch
        failEverySplit(ascii("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"));
        failEverySplit(ascii("PROXY TCP4 localhost 5.6.7.8 1 2\r\n"));     // never a name lookup
        failEverySplit(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"));
        failEverySplit(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n"));
        failEverySplit(ascii("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"));      // no zones
        failEverySplit(v2(0x11, 0x11, inet4Body(new byte[0])));             // version 1 in v2 form
        failEverySplit(v2(0x22, 0x11, inet4Body(new byte[0])));             // command 2
        failEverySplit(v2(0x21, 0x41, inet4Body(new byte[0])));             // family 4
        failEverySplit(v2(0x21, 0x12, inet4Body(new byte[0])));             // datagram
        failEverySplit(v2(0x21, 0x21, inet4Body(new byte[0])));             // INET6 with 12 bytes
        failEverySplit(v2(0x21, 0x11, inet4Body(new byte[] {0x01, 0x00, 0x05, 'h'}))); // TLV past the end
        failEverySplit(v2(0x21, 0x11, inet4Body(new byte[] {0x01, 0x00})));            // truncated TLV
        byte[] badSig = v2(0x21, 0x11, inet4Body(new byte[0]));
        badSig[7] = 'X';
        failEverySplit(badSig);
    }

    @Test
    void emptyInputNeedsMore() throws Exception {
        ProxyProtocolParser p = new ProxyProtocolParser();
        assertFalse(p.parse(ByteBuffer.allocate(0)));
        assertEquals(null, p.header());
        assertTrue(p.parse(ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n"))));
        assertThrows(IllegalStateException.class, () -> p.parse(ByteBuffer.allocate(1)));
    }
}
