package dev.sleet.handshake;

import dev.sleet.handshake.internal.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxies whose forwarding headers a server believes, as address ranges (CIDR), and the rule that finds the
 * real client through them: {@code Forwarded} (RFC 7239) or, when a request has none, {@code X-Forwarded-For}
 * with {@code X-Forwarded-Proto}.
 *
 * <p>The rule: start from the socket's peer. While the current address is trusted, step to the address the
 * right-most element not yet used names (the client of that proxy), and take that element's {@code proto}. Stop at
 * an untrusted address — that is the client — or when an element gives no address: {@code for=unknown}, an
 * obfuscated identifier ({@code for=_hidden}, RFC 7239 §6.3) or a missing {@code for=} end the walk, because what
 * stands left of it was written by someone no trusted proxy vouches for. Headers from an untrusted peer are never
 * read, and a {@code Forwarded} field that does not parse is ignored as a whole (the peer's address stays).
 *
 * <pre>
 *   Forwarded: for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711"
 *   X-Forwarded-For: 192.0.2.60, 10.0.0.7
 *   X-Forwarded-Proto: https
 * </pre>
 *
 * Immutable and thread-safe.
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    /** Where the client is, as far as trusted proxies tell. */
    public record Client(InetSocketAddress address, boolean secure) {
    }

    private final List<byte[]> networks;
    private final List<Integer> prefixes;

    private TrustedProxies(List<byte[]> networks, List<Integer> prefixes) {
        this.networks = networks;
        this.prefixes = prefixes;
    }

    /** No proxy is trusted: forwarding headers are never read. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * The proxies in {@code ranges}: addresses ({@code 127.0.0.1}, {@code ::1}) or CIDR ranges
     * ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) in IPv4 or IPv6 literal form; IPv4-mapped IPv6 literals count as
     * IPv4.
     *
     * @throws IllegalArgumentException for a host name, a malformed literal, a prefix out of range, or a range
     *                                  with bits set past its prefix ({@code 10.1.0.0/8}: probably a typo)
     */
    public static TrustedProxies of(String... ranges) {
        List<byte[]> nets = new ArrayList<>();
        List<Integer> prefixes = new ArrayList<>();
        for (String range : ranges) {
            if (range == null) {
                throw new IllegalArgumentException("trusted proxy range is null");
            }
            int slash = range.indexOf('/');
            String ip = slash < 0 ? range : range.substring(0, slash);
            InetAddress a = IpLiterals.any(ip);
            if (a == null) {
                throw new IllegalArgumentException("trusted proxy \"" + range
                        + "\" is not an IPv4 or IPv6 address or CIDR range (host names are not allowed)");
            }
            byte[] raw = a.getAddress();
            int bits = raw.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                // an IPv4-mapped IPv6 literal (::ffff:a.b.c.d) comes back as IPv4: its prefix counts 96 bits more
                int offset = ip.indexOf(':') >= 0 && raw.length == 4 ? 96 : 0;
                prefix = IpLiterals.port(range.substring(slash + 1)) - offset;
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("trusted proxy \"" + range + "\": prefix must be " + offset
                            + " to " + (bits + offset));
                }
            }
            for (int bit = prefix; bit < bits; bit++) {
                if ((raw[bit >>> 3] & (0x80 >>> (bit & 7))) != 0) {
                    throw new IllegalArgumentException("trusted proxy \"" + range
                            + "\" has address bits set past its /" + prefix + " prefix");
                }
            }
            nets.add(raw);
            prefixes.add(prefix);
        }
        return nets.isEmpty() ? NONE : new TrustedProxies(List.copyOf(nets), List.copyOf(prefixes));
    }

    /** True when no proxy is trusted. */
    public boolean isEmpty() {
        return networks.isEmpty();
    }

    /** True when {@code address} is in one of the ranges. */
    public boolean contains(InetAddress address) {
        byte[] raw = address.getAddress();
        for (int i = 0; i < networks.size(); i++) {
            byte[] net = networks.get(i);
            if (net.length == raw.length && matches(net, raw, prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] net, byte[] raw, int prefix) {
        int full = prefix >>> 3;
        for (int i = 0; i < full; i++) {
            if (net[i] != raw[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (net[full] & mask) == (raw[full] & mask);
    }

    /**
     * The client behind {@code peer} (the socket's other end, or what a PROXY protocol header said), following
     * {@code headers} through trusted proxies only. {@code secure} is what the connection itself is (TLS or not);
     * a trusted element's {@code proto} ({@code https}/{@code wss} or {@code http}/{@code ws}) replaces it.
     */
    public Client resolve(InetSocketAddress peer, boolean secure, HttpHeaders headers) {
        Client client = new Client(peer, secure);
        if (isEmpty() || !contains(peer.getAddress())) {
            return client;
        }
        List<Hop> hops = headers.contains("Forwarded") ? forwarded(headers.all("Forwarded"))
                : xForwardedFor(headers.all("X-Forwarded-For"), headers.all("X-Forwarded-Proto"));
        for (int i = hops.size() - 1; i >= 0 && contains(client.address().getAddress()); i--) {
            Hop hop = hops.get(i);
            if (hop.address == null) {
                break;
            }
            client = new Client(hop.address, hop.secure == null ? client.secure() : hop.secure);
        }
        return client;
    }

    /** One element: the address a proxy's client connected from (null when unknown) and the protocol it used. */
    private record Hop(InetSocketAddress address, Boolean secure) {
    }

    // -------------------------------------------------------------------------------------------------------
    // Forwarded (RFC 7239 §4): elements separated by commas, pairs by semicolons, values tokens or quoted
    // -------------------------------------------------------------------------------------------------------

    private static List<Hop> forwarded(List<String> fields) {
        List<Hop> hops = new ArrayList<>();
        for (String field : fields) {
            if (!parseForwardedField(field, hops)) {
                return List.of(); // malformed: believe none of it
            }
        }
        return hops;
    }

    private static boolean parseForwardedField(String s, List<Hop> hops) {
        int i = 0;
        int n = s.length();
        while (true) {
            InetSocketAddress address = null;
            Boolean secure = null;
            boolean sawFor = false;
            // one element: pair *( ";" pair )
            while (true) {
                i = skipSpaces(s, i);
                int nameStart = i;
                while (i < n && isTokenChar(s.charAt(i))) {
                    i++;
                }
                if (i == nameStart || i >= n || s.charAt(i) != '=') {
                    return false;
                }
                String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
                i++;
                String value;
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder v = new StringBuilder();
                    i++;
                    while (true) {
                        if (i >= n) {
                            return false;
                        }
                        char c = s.charAt(i++);
                        if (c == '"') {
                            break;
                        }
                        if (c == '\\') {
                            if (i >= n) {
                                return false;
                            }
                            c = s.charAt(i++);
                        }
                        v.append(c);
                    }
                    value = v.toString();
                } else {
                    int start = i;
                    while (i < n && isTokenChar(s.charAt(i))) {
                        i++;
                    }
                    if (i == start) {
                        return false;
                    }
                    value = s.substring(start, i);
                }
                if (name.equals("for")) {
                    if (sawFor) {
                        return false; // each parameter at most once per element (§4)
                    }
                    sawFor = true;
                    address = node(value);
                } else if (name.equals("proto")) {
                    secure = proto(value);
                }
                i = skipSpaces(s, i);
                if (i < n && s.charAt(i) == ';') {
                    i++;
                    continue;
                }
                break;
            }
            hops.add(new Hop(address, secure));
            if (i >= n) {
                return true;
            }
            if (s.charAt(i) != ',') {
                return false;
            }
            i++;
        }
    }

    /** A node (RFC 7239 §6): {@code ip}, {@code ip:port}, {@code [ipv6]}, {@code [ipv6]:port}; null if unknown. */
    private static InetSocketAddress node(String v) {
        String host = v;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = v.substring(1, close);
            if (close + 1 < v.length()) {
                if (v.charAt(close + 1) != ':') {
                    return null;
                }
                port = v.substring(close + 2);
            }
            InetAddress a = IpLiterals.ipv6(host);
            return a == null ? null : new InetSocketAddress(a, portOrZero(port));
        }
        int colon = v.indexOf(':');
        if (colon >= 0) {
            if (v.indexOf(':', colon + 1) >= 0) {
                InetAddress a = IpLiterals.ipv6(v); // a bare IPv6 literal (X-Forwarded-For writes them so)
                return a == null ? null : new InetSocketAddress(a, 0);
            }
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
        }
        InetAddress a = IpLiterals.ipv4(host);
        return a == null ? null : new InetSocketAddress(a, portOrZero(port));
    }

    /** An obfuscated port ({@code _abc}) or none at all reads as 0. */
    private static int portOrZero(String port) {
        if (port == null) {
            return 0;
        }
        int p = IpLiterals.port(port);
        return Math.max(p, 0);
    }

    private static Boolean proto(String v) {
        String p = v.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "https", "wss" -> Boolean.TRUE;
            case "http", "ws" -> Boolean.FALSE;
            default -> null;
        };
    }

    // -------------------------------------------------------------------------------------------------------
    // X-Forwarded-For / X-Forwarded-Proto (de-facto): comma-separated lists, fields concatenated in order
    // -------------------------------------------------------------------------------------------------------

    private static List<Hop> xForwardedFor(List<String> forFields, List<String> protoFields) {
        List<String> fors = split(forFields);
        List<String> protos = split(protoFields);
        List<Hop> hops = new ArrayList<>(fors.size());
        for (int i = 0; i < fors.size(); i++) {
            // the protocols line up with the addresses from the right (each proxy appends to both)
            int p = protos.size() - (fors.size() - i);
            hops.add(new Hop(node(fors.get(i)), p >= 0 ? proto(protos.get(p)) : null));
        }
        return hops;
    }

    private static List<String> split(List<String> fields) {
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            for (String part : f.split(",", -1)) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** RFC 7230 tchar. */
    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < networks.size(); i++) {
            out.add(IpLiterals.byAddress(networks.get(i)).getHostAddress() + "/" + prefixes.get(i));
        }
        return "TrustedProxies" + out;
    }
}
