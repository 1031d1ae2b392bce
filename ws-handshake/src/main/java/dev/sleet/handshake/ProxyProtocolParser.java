package dev.sleet.handshake;

import dev.sleet.handshake.internal.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An incremental parser of the PROXY protocol header (HAProxy's "The PROXY protocol", versions 1 and 2) that a
 * load balancer sends before anything else on a connection, to say where its client connected from.
 *
 * <pre>
 *   v1 (text, at most 107 bytes with the CRLF):
 *     "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"
 *     "PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n"
 *     "PROXY UNKNOWN[ anything]\r\n"
 *
 *   v2 (binary):
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-------------------------------------------------------------+
 *    |  signature  \r \n \r \n \0 \r \n Q U I T \n   (12 bytes)     |
 *    +---------------+---------------+-----------------------------+
 *    | ver 2 | cmd   | family | proto|  length of what follows (BE)|
 *    +---------------+---------------+-----------------------------+
 *    | addresses: INET 4+4+2+2, INET6 16+16+2+2, UNIX 108+108      |
 *    | then TLVs (type, 16-bit length, value) up to length         |
 *    +-------------------------------------------------------------+
 * </pre>
 *
 * <p>Call {@link #parse(ByteBuffer)} with each chunk of input until it returns {@code true}; then
 * {@link #header()} is the result and {@code src.position()} is the first byte after the header (the start of the
 * HTTP request or the TLS handshake). "Need more bytes" is {@code false}, never an exception; the parser keeps
 * the header's bytes between calls (at most {@link #MAX_V2_HEADER} of them). Anything that is not a valid header
 * — a first byte that starts neither signature, a v1 line over 107 bytes or without CRLF, a malformed address or
 * port, a family that does not match its addresses, a v2 version other than 2, a command other than LOCAL or
 * PROXY, a declared length over the limit or too short for its addresses, malformed TLVs, a datagram transport —
 * throws {@link ProxyProtocolException}, and the parser is terminal afterwards.
 *
 * <p>v2 TLVs after INET and INET6 addresses are checked for framing and skipped; {@code LOCAL} (whose family and
 * address block are ignored, as the specification says), v1 {@code UNKNOWN} and the {@code AF_UNSPEC} and
 * {@code AF_UNIX} families give a header without addresses. One parser per connection; not thread-safe.
 */
public final class ProxyProtocolParser {

    /** The longest v1 line, CRLF included (the specification's figure) */
    public static final int MAX_V1_HEADER = 107;
    /** The longest v2 header accepted: the 16 fixed bytes plus addresses and TLVs. */
    public static final int MAX_V2_HEADER = 4096;

    /** A parser waiting for the first byte of a header. */
    public ProxyProtocolParser() {
    }

    private static final byte[] V2_SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final int V2_FIXED = 16;

    private byte[] acc = new byte[V2_FIXED];
    private int have;
    /** 0 until the first byte, then 1 (text) or 2 (binary). */
    private int version;
    private ProxyHeader header;
    private boolean failed;

    /**
     * Consumes header bytes from {@code src}, and no byte past the header.
     *
     * @return true once the whole header has been read; {@link #header()} is then set
     * @throws ProxyProtocolException the input is not a valid header; the parser is terminal
     * @throws IllegalStateException  after a failure or once the header is complete
     */
    public boolean parse(ByteBuffer src) throws ProxyProtocolException {
        if (failed || header != null) {
            throw new IllegalStateException(failed ? "the parser failed before" : "the header is complete");
        }
        try {
            return version == 2 ? parseV2(src) : parseStart(src);
        } catch (ProxyProtocolException | RuntimeException e) {
            failed = true;
            acc = null;
            throw e;
        }
    }

    /** The header, once {@link #parse} returned true; else null. */
    public ProxyHeader header() {
        return header;
    }

    private boolean parseStart(ByteBuffer src) throws ProxyProtocolException {
        while (src.hasRemaining()) {
            byte b = src.get();
            if (version == 0) {
                if (b == V2_SIGNATURE[0]) {
                    version = 2;
                } else if (b == V1_PREFIX[0]) {
                    version = 1;
                    acc = new byte[MAX_V1_HEADER];
                } else {
                    throw new ProxyProtocolException("no PROXY protocol header: the connection starts with byte 0x"
                            + Integer.toHexString(b & 0xFF));
                }
                acc[have++] = b;
                if (version == 2) {
                    return parseV2(src);
                }
                continue;
            }
            // version 1
            if (have < V1_PREFIX.length && b != V1_PREFIX[have]) {
                throw new ProxyProtocolException("no PROXY protocol header: bad v1 signature");
            }
            if (have == MAX_V1_HEADER) {
                throw new ProxyProtocolException("PROXY v1 line longer than " + MAX_V1_HEADER + " bytes");
            }
            acc[have++] = b;
            if (b == '\n') {
                if (acc[have - 2] != '\r') {
                    throw new ProxyProtocolException("PROXY v1 line ends without CRLF");
                }
                header = parseV1Line(new String(acc, V1_PREFIX.length, have - 2 - V1_PREFIX.length,
                        StandardCharsets.US_ASCII));
                acc = null;
                return true;
            }
        }
        return false;
    }

    private static ProxyHeader parseV1Line(String rest) throws ProxyProtocolException {
        if (rest.equals("UNKNOWN") || rest.startsWith("UNKNOWN ")) {
            return ProxyHeader.unknown(1, false); // the receiver must ignore what follows UNKNOWN
        }
        String[] parts = rest.split(" ", -1);
        if (parts.length != 5) {
            throw new ProxyProtocolException("PROXY v1 line needs protocol, two addresses and two ports");
        }
        boolean v4;
        if (parts[0].equals("TCP4")) {
            v4 = true;
        } else if (parts[0].equals("TCP6")) {
            v4 = false;
        } else {
            throw new ProxyProtocolException("PROXY v1 protocol must be TCP4, TCP6 or UNKNOWN");
        }
        InetAddress src = v4 ? IpLiterals.ipv4(parts[1]) : strictIpv6(parts[1]);
        InetAddress dst = v4 ? IpLiterals.ipv4(parts[2]) : strictIpv6(parts[2]);
        if (src == null || dst == null) {
            throw new ProxyProtocolException("PROXY v1 address is not a " + parts[0] + " literal");
        }
        int sport = IpLiterals.port(parts[3]);
        int dport = IpLiterals.port(parts[4]);
        if (sport < 0 || dport < 0) {
            throw new ProxyProtocolException("PROXY v1 port is not a number 0-65535");
        }
        return ProxyHeader.of(1, new InetSocketAddress(src, sport), new InetSocketAddress(dst, dport));
    }

    /** TCP6 addresses must be IPv6 text: a dotted quad on its own is refused, a mapped one is kept. */
    private static InetAddress strictIpv6(String s) {
        return s.indexOf(':') < 0 ? null : IpLiterals.ipv6(s);
    }

    private boolean parseV2(ByteBuffer src) throws ProxyProtocolException {
        while (have < V2_FIXED) {
            if (!src.hasRemaining()) {
                return false;
            }
            byte b = src.get();
            if (have < V2_SIGNATURE.length && b != V2_SIGNATURE[have]) {
                throw new ProxyProtocolException("no PROXY protocol header: bad v2 signature");
            }
            acc[have++] = b;
            if (have == V2_FIXED) {
                int length = (acc[14] & 0xFF) << 8 | (acc[15] & 0xFF);
                checkFixedPart(length);
                byte[] whole = new byte[V2_FIXED + length];
                System.arraycopy(acc, 0, whole, 0, V2_FIXED);
                acc = whole;
            }
        }
        int take = Math.min(src.remaining(), acc.length - have);
        src.get(acc, have, take);
        have += take;
        if (have < acc.length) {
            return false;
        }
        header = parseV2Body(acc);
        acc = null;
        return true;
    }

    private void checkFixedPart(int length) throws ProxyProtocolException {
        int verCmd = acc[12] & 0xFF;
        if (verCmd >>> 4 != 2) {
            throw new ProxyProtocolException("PROXY v2 version must be 2, not " + (verCmd >>> 4));
        }
        if ((verCmd & 0x0F) > 1) {
            throw new ProxyProtocolException("PROXY v2 command must be LOCAL or PROXY");
        }
        if (V2_FIXED + length > MAX_V2_HEADER) {
            throw new ProxyProtocolException("PROXY v2 header longer than " + MAX_V2_HEADER + " bytes");
        }
    }

    private static ProxyHeader parseV2Body(byte[] h) throws ProxyProtocolException {
        if ((h[12] & 0x0F) == 0) {
            // LOCAL: the proxy's own connection (a health check). The specification says to ignore the family
            // and the address block and keep the real endpoints.
            return ProxyHeader.unknown(2, true);
        }
        int family = (h[13] & 0xF0) >>> 4;
        int transport = h[13] & 0x0F;
        int addressBytes = switch (family) {
            case 0 -> 0;      // AF_UNSPEC
            case 1 -> 12;     // AF_INET: 4 + 4 + 2 + 2
            case 2 -> 36;     // AF_INET6: 16 + 16 + 2 + 2
            case 3 -> 216;    // AF_UNIX: 108 + 108
            default -> throw new ProxyProtocolException("PROXY v2 unknown address family " + family);
        };
        if (transport > 2) {
            throw new ProxyProtocolException("PROXY v2 unknown transport " + transport);
        }
        int length = h.length - V2_FIXED;
        if (length < addressBytes) {
            throw new ProxyProtocolException("PROXY v2 length " + length + " too short for its addresses");
        }
        if (transport == 2) {
            throw new ProxyProtocolException("PROXY v2 datagram transport on a stream connection");
        }
        if (family == 0 || family == 3 || transport == 0) {
            return ProxyHeader.unknown(2, false);
        }
        checkTlvs(h, V2_FIXED + addressBytes);
        int ip = family == 1 ? 4 : 16;
        byte[] s = new byte[ip];
        byte[] d = new byte[ip];
        System.arraycopy(h, V2_FIXED, s, 0, ip);
        System.arraycopy(h, V2_FIXED + ip, d, 0, ip);
        int p = V2_FIXED + 2 * ip;
        int sport = (h[p] & 0xFF) << 8 | (h[p + 1] & 0xFF);
        int dport = (h[p + 2] & 0xFF) << 8 | (h[p + 3] & 0xFF);
        return ProxyHeader.of(2, new InetSocketAddress(IpLiterals.byAddress(s), sport),
                new InetSocketAddress(IpLiterals.byAddress(d), dport));
    }

    /** TLVs (type, 16-bit length, value) must tile the rest of the header exactly; their contents are skipped. */
    private static void checkTlvs(byte[] h, int from) throws ProxyProtocolException {
        int p = from;
        while (p < h.length) {
            if (h.length - p < 3) {
                throw new ProxyProtocolException("PROXY v2 truncated TLV");
            }
            int len = (h[p + 1] & 0xFF) << 8 | (h[p + 2] & 0xFF);
            p += 3 + len;
            if (p > h.length) {
                throw new ProxyProtocolException("PROXY v2 TLV longer than the header");
            }
        }
    }
}
