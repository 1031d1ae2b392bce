package dev.sleet.handshake;

import dev.sleet.handshake.ClientHandshakeException.Failure;
import dev.sleet.handshake.internal.HeadWriter;
import dev.sleet.handshake.internal.HttpChars;
import dev.sleet.handshake.spi.ClientExtensionProvider;
import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionResponseException;

import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The client side of the opening handshake (RFC 6455 §4.1): one upgrade request, written from a {@code ws://} or
 * {@code wss://} URI and options, and the check of the server's response. One instance per connection attempt: it
 * holds the fresh {@code Sec-WebSocket-Key} the response must answer. Immutable and thread-safe once built.
 *
 * <pre>{@code
 * ClientHandshake handshake = ClientHandshake.builder(URI.create("wss://chat.example.com/room?id=7"))
 *         .origin("https://chat.example.com")
 *         .header("Authorization", "Bearer " + token)
 *         .subprotocols("chat.v2", "chat.v1")
 *         .extension(new PerMessageDeflateClient())
 *         .build();
 * write(handshake.request());
 * HttpResponseParser parser = new HttpResponseParser();
 * while (!parser.parse(readBuffer)) { read more }       // readBuffer then holds the first frames, if any
 * ClientHandshakeResult result = handshake.validate(parser.response(), new byte[0]);
 * }</pre>
 *
 * <p>The request (§4.1 items 1–12):
 * <pre>
 * GET &lt;path&gt;[?&lt;query&gt;] HTTP/1.1
 * Host: &lt;host&gt;[:&lt;port&gt;]                 (port only when not the scheme's default; IPv6 in brackets)
 * Upgrade: websocket
 * Connection: Upgrade
 * Sec-WebSocket-Key: &lt;base64 of 16 random bytes&gt;
 * Sec-WebSocket-Version: 13
 * Origin: &lt;origin&gt;                       (when set)
 * Sec-WebSocket-Protocol: &lt;offers&gt;         (when any)
 * Sec-WebSocket-Extensions: &lt;offers&gt;       (when any)
 * &lt;extra headers&gt;
 * </pre>
 *
 * <p>The response checks (§4.1, "the client MUST Fail the WebSocket Connection"), each with its
 * {@link ClientHandshakeException.Failure}: a status other than 101 ({@code REDIRECT} for 3xx with its
 * {@code Location}, else {@code NOT_SWITCHING_PROTOCOLS}, both with the headers and the body prefix); not HTTP/1.1
 * ({@code MALFORMED_RESPONSE}); {@code Upgrade} without the token {@code websocket} ({@code BAD_UPGRADE});
 * {@code Connection} without {@code upgrade} ({@code BAD_CONNECTION}); {@code Sec-WebSocket-Accept} missing,
 * repeated or wrong ({@code BAD_ACCEPT}); a subprotocol not offered, or more than one ({@code UNOFFERED_SUBPROTOCOL});
 * a malformed {@code Sec-WebSocket-Extensions} ({@code MALFORMED_RESPONSE}); an extension not offered
 * ({@code UNOFFERED_EXTENSION}); an extension listed twice, or whose parameters its provider refuses
 * ({@code BAD_EXTENSION_PARAMETERS}).
 */
public final class ClientHandshake {

    private static final SecureRandom KEYS = new SecureRandom();

    private final URI uri;
    private final boolean secure;
    private final String host;
    private final int port;
    private final String target;
    private final String key;
    private final String expectedAccept;
    private final List<String> subprotocols;
    private final List<ClientExtensionProvider> extensions;
    private final ByteBuffer request;

    private ClientHandshake(Builder b) {
        this.uri = b.uri;
        this.secure = b.secure;
        this.host = b.host;
        this.port = b.port;
        this.target = b.target;
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
        this.expectedAccept = WebSocketAccept.compute(key);
        this.subprotocols = List.copyOf(b.subprotocols);
        this.extensions = List.copyOf(b.extensions);

        HttpHeaders extra = b.headers.build();
        HeadWriter w = new HeadWriter(256 + 64 * extra.size());
        w.ascii("GET ").ascii(target).ascii(" HTTP/1.1").crlf();
        w.field("Host", hostField());
        w.ascii("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        w.field("Sec-WebSocket-Key", key);
        w.ascii("Sec-WebSocket-Version: 13\r\n");
        if (b.origin != null) {
            w.field("Origin", b.origin);
        }
        if (!subprotocols.isEmpty()) {
            w.field("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
        }
        if (!extensions.isEmpty()) {
            List<ExtensionOffer> offers = new ArrayList<>();
            for (ClientExtensionProvider p : extensions) {
                List<ExtensionOffer> own = p.offers();
                if (own.isEmpty()) {
                    throw new IllegalArgumentException("extension " + p.name() + " offers nothing");
                }
                for (ExtensionOffer o : own) {
                    if (!o.name().equalsIgnoreCase(p.name())) {
                        throw new IllegalArgumentException("extension " + p.name() + " offers " + o.name());
                    }
                }
                offers.addAll(own);
            }
            w.field("Sec-WebSocket-Extensions", ExtensionOffer.formatHeader(offers));
        }
        for (int i = 0; i < extra.size(); i++) {
            w.field(extra.name(i), extra.value(i));
        }
        ByteBuffer bytes = w.crlf().toBuffer();
        this.request = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip().asReadOnlyBuffer();
    }

    /** A builder for a handshake to {@code uri} ({@code ws://} or {@code wss://}, no fragment, no user info). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** The URI the handshake is for. */
    public URI uri() {
        return uri;
    }

    /** True for {@code wss://}: the connection needs TLS (with this host name for SNI and verification). */
    public boolean secure() {
        return secure;
    }

    /** The host to connect to, as in the URI (an IPv6 literal without brackets, its zone id as {@code %eth0}). */
    public String host() {
        return host;
    }

    /** The port to connect to: the URI's, or 80 ({@code ws}) / 443 ({@code wss}). */
    public int port() {
        return port;
    }

    /** The request target: the path ({@code /} when empty) and the query, percent-encoded. */
    public String target() {
        return target;
    }

    /** The {@code Sec-WebSocket-Key} sent: Base64 of 16 random bytes from a {@link SecureRandom}. */
    public String key() {
        return key;
    }

    /** The {@code Sec-WebSocket-Accept} the server must answer with (RFC 6455 §4.2.2). */
    public String expectedAccept() {
        return expectedAccept;
    }

    /** The subprotocols offered, most preferred first. */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** The request bytes: a new read-only view each call, position 0. */
    public ByteBuffer request() {
        return request.duplicate();
    }

    /**
     * Checks the response head (RFC 6455 §4.1) and, when it is a valid 101, returns what was agreed.
     *
     * @param response   the head a {@link HttpResponseParser} read
     * @param bodyPrefix the first body bytes of a response that is not a 101 ({@link HttpResponseParser#bodyPrefix()}),
     *                   kept in the exception; may be empty
     * @throws ClientHandshakeException saying which rule the response breaks
     */
    public ClientHandshakeResult validate(HttpResponseHead response, byte[] bodyPrefix) {
        Objects.requireNonNull(response, "response");
        if (response.status() != 101) {
            if (response.isRedirect()) {
                throw new ClientHandshakeException(Failure.REDIRECT, "the server redirects to "
                        + response.location().orElse("(no Location)"), response, bodyPrefix);
            }
            throw new ClientHandshakeException(Failure.NOT_SWITCHING_PROTOCOLS,
                    "the server answered " + response.status() + " instead of 101", response, bodyPrefix);
        }
        if (response.versionMajor() != 1 || response.versionMinor() < 1) {
            throw fail(Failure.MALFORMED_RESPONSE, "a 101 needs HTTP/1.1", response);
        }
        HttpHeaders h = response.headers();
        if (!h.containsToken("Upgrade", "websocket")) {
            throw fail(Failure.BAD_UPGRADE, h.contains("Upgrade") ? "Upgrade does not name websocket: "
                    + String.join(", ", h.all("Upgrade")) : "no Upgrade field", response);
        }
        if (!h.containsToken("Connection", "upgrade")) {
            throw fail(Failure.BAD_CONNECTION, h.contains("Connection") ? "Connection does not include upgrade: "
                    + String.join(", ", h.all("Connection")) : "no Connection field", response);
        }
        List<String> accepts = h.all("Sec-WebSocket-Accept");
        if (accepts.size() != 1) {
            throw fail(Failure.BAD_ACCEPT, accepts.isEmpty() ? "no Sec-WebSocket-Accept field"
                    : "more than one Sec-WebSocket-Accept field", response);
        }
        if (!accepts.get(0).equals(expectedAccept)) {
            throw fail(Failure.BAD_ACCEPT, "Sec-WebSocket-Accept is " + accepts.get(0) + ", not "
                    + expectedAccept + " (the value for the key sent)", response);
        }
        return new ClientHandshakeResult(subprotocol(response), extensions(response), response);
    }

    private Optional<String> subprotocol(HttpResponseHead response) {
        HttpHeaders h = response.headers();
        if (!h.contains("Sec-WebSocket-Protocol")) {
            return Optional.empty();
        }
        List<String> chosen = h.tokens("Sec-WebSocket-Protocol");
        if (chosen.size() != 1 || h.count("Sec-WebSocket-Protocol") != 1) {
            throw fail(Failure.UNOFFERED_SUBPROTOCOL, "the server must choose one subprotocol, it sent: "
                    + String.join(", ", h.all("Sec-WebSocket-Protocol")), response);
        }
        String p = chosen.get(0);
        if (!subprotocols.contains(p)) {
            throw fail(Failure.UNOFFERED_SUBPROTOCOL, subprotocols.isEmpty()
                    ? "the server chose subprotocol " + p + ", none was offered"
                    : "the server chose subprotocol " + p + ", not one of " + subprotocols, response);
        }
        return Optional.of(p);
    }

    private List<ExtensionAgreement> extensions(HttpResponseHead response) {
        HttpHeaders h = response.headers();
        if (!h.contains("Sec-WebSocket-Extensions")) {
            return List.of();
        }
        List<ExtensionOffer> elements;
        try {
            elements = ExtensionOffer.parseHeader(h.all("Sec-WebSocket-Extensions"));
        } catch (HandshakeException e) {
            throw fail(Failure.MALFORMED_RESPONSE, e.reason(), response);
        }
        List<ExtensionAgreement> agreed = new ArrayList<>(elements.size());
        List<String> seen = new ArrayList<>(elements.size());
        for (ExtensionOffer element : elements) {
            String name = element.name().toLowerCase(Locale.ROOT);
            if (seen.contains(name)) {
                throw fail(Failure.BAD_EXTENSION_PARAMETERS, "the server accepted " + element.name() + " twice",
                        response);
            }
            seen.add(name);
            ClientExtensionProvider provider = null;
            for (ClientExtensionProvider p : extensions) {
                if (p.name().equalsIgnoreCase(name)) {
                    provider = p;
                    break;
                }
            }
            if (provider == null) {
                throw fail(Failure.UNOFFERED_EXTENSION, "the server accepted extension " + element.name()
                        + ", which was not offered", response);
            }
            try {
                agreed.add(Objects.requireNonNull(provider.accept(element), "agreement"));
            } catch (ExtensionResponseException e) {
                throw fail(Failure.BAD_EXTENSION_PARAMETERS, element.name() + ": " + e.getMessage(), response);
            }
        }
        return agreed;
    }

    private static ClientHandshakeException fail(Failure failure, String reason, HttpResponseHead response) {
        return new ClientHandshakeException(failure, reason, response, null);
    }

    private String hostField() {
        int zone = host.indexOf('%');
        // An IPv6 literal goes in brackets; its zone id is local to this host and is not sent (RFC 6874 §4).
        String name = host.indexOf(':') >= 0 ? "[" + (zone < 0 ? host : host.substring(0, zone)) + "]" : host;
        int defaultPort = secure ? 443 : 80;
        return port == defaultPort ? name : name + ":" + port;
    }

    @Override
    public String toString() {
        return "ClientHandshake[GET " + target + " on " + hostField() + (secure ? " (TLS)" : "") + "]";
    }

    /** Collects the options of one handshake; {@link #build()} draws its key. Not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private final boolean secure;
        private final String host;
        private final int port;
        private final String target;
        private String origin;
        private final List<String> subprotocols = new ArrayList<>();
        private final List<ClientExtensionProvider> extensions = new ArrayList<>();
        private final HttpHeaders.Builder headers = HttpHeaders.builder();

        private Builder(URI given) {
            Objects.requireNonNull(given, "uri");
            if (given.isOpaque() || given.getScheme() == null) {
                throw new IllegalArgumentException("not a ws:// or wss:// URI: " + given);
            }
            URI ascii = URI.create(given.toASCIIString()); // non-ASCII path or query characters percent-encoded
            String scheme = ascii.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("the scheme must be ws or wss (RFC 6455 §3), not " + scheme);
            }
            if (ascii.getRawFragment() != null) {
                throw new IllegalArgumentException("a WebSocket URI has no fragment (RFC 6455 §3); escape '#' as %23");
            }
            if (ascii.getRawUserInfo() != null) {
                throw new IllegalArgumentException("user info in a WebSocket URI is not sent; use a header instead");
            }
            String h = ascii.getHost();
            int uriPort = ascii.getPort();
            if (h == null && ascii.getRawAuthority() != null) {
                // java.net.URI reads a name with '_' (common for container and service names) as a registry-based
                // authority and reports no host: read "name[:port]" here with the same character rules plus '_'.
                String authority = ascii.getRawAuthority();
                int colon = authority.lastIndexOf(':');
                h = colon < 0 ? authority : authority.substring(0, colon);
                uriPort = colon < 0 || colon == authority.length() - 1 ? -1 : parsePort(authority.substring(colon + 1));
                if (!isRegName(h)) {
                    h = null;
                }
            }
            if (h == null || h.isEmpty()) {
                throw new IllegalArgumentException("the URI has no host (a non-ASCII name must be converted with "
                        + "java.net.IDN.toASCII first): " + given);
            }
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1).replace("%25", "%"); // an IPv6 zone id (RFC 6874) as InetAddress reads it
            }
            this.uri = given;
            this.secure = scheme.equals("wss");
            this.host = h;
            this.port = uriPort < 0 ? (secure ? 443 : 80) : uriPort;
            String path = ascii.getRawPath();
            String t = (path == null || path.isEmpty() ? "/" : path)
                    + (ascii.getRawQuery() == null ? "" : "?" + ascii.getRawQuery());
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c > 0x7E || (HttpChars.classOf((byte) c) & HttpChars.TARGET) == 0) {
                    throw new IllegalArgumentException("the path or query holds a character that cannot be sent: "
                            + String.format("U+%04X", (int) c));
                }
            }
            this.target = t;
        }

        private static int parsePort(String digits) {
            if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("bad port in the URI: " + digits);
            }
            int p = Integer.parseInt(digits);
            if (p > 65535) {
                throw new IllegalArgumentException("port out of range: " + p);
            }
            return p;
        }

        private static boolean isRegName(String h) {
            if (h.isEmpty()) {
                return false;
            }
            for (int i = 0; i < h.length(); i++) {
                char c = h.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                        || c == '_')) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The {@code Origin} to send (RFC 6455 §4.1 item 8, RFC 6454), e.g. {@code https://chat.example.com}.
         *
         * @throws IllegalArgumentException when it is not a valid header value
         */
        public Builder origin(String origin) {
            Objects.requireNonNull(origin, "origin");
            if (origin.isEmpty() || !HttpChars.isFieldValue(origin)) {
                throw new IllegalArgumentException("Origin cannot be sent as is: \"" + origin + "\"");
            }
            this.origin = origin;
            return this;
        }

        /**
         * Adds an extra header field (an auth token, a cookie, a user agent).
         *
         * @throws IllegalArgumentException when the name is not a token, the value holds CR, LF or another control
         *                                  character (header injection), or the name is one the handshake writes
         *                                  itself ({@code Host}, {@code Upgrade}, {@code Connection},
         *                                  {@code Origin}, {@code Sec-WebSocket-*}, {@code Content-Length},
         *                                  {@code Transfer-Encoding})
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (name.regionMatches(true, 0, "Sec-WebSocket-", 0, 14) || name.equalsIgnoreCase("Host")
                    || name.equalsIgnoreCase("Upgrade") || name.equalsIgnoreCase("Connection")
                    || name.equalsIgnoreCase("Origin") || name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException(name + " is written by the handshake"
                        + (name.equalsIgnoreCase("Origin") ? "; use origin(...)" : ""));
            }
            headers.add(name, value);
            return this;
        }

        /** Adds every field of {@code extra}, each checked as by {@link #header}. */
        public Builder headers(HttpHeaders extra) {
            for (int i = 0; i < extra.size(); i++) {
                header(extra.name(i), extra.value(i));
            }
            return this;
        }

        /**
         * The subprotocols to offer, most preferred first (RFC 6455 §4.1 item 10).
         *
         * @throws IllegalArgumentException for a name that is not a token, or a name given twice
         */
        public Builder subprotocols(String... names) {
            return subprotocols(List.of(names));
        }

        /** As {@link #subprotocols(String...)}; replaces earlier offers. */
        public Builder subprotocols(List<String> names) {
            List<String> checked = new ArrayList<>(names.size());
            for (String n : names) {
                if (!HttpChars.isToken(n)) {
                    throw new IllegalArgumentException("a subprotocol must be a token: \"" + n + "\"");
                }
                if (checked.contains(n)) {
                    throw new IllegalArgumentException("subprotocol " + n + " offered twice");
                }
                checked.add(n);
            }
            subprotocols.clear();
            subprotocols.addAll(checked);
            return this;
        }

        /**
         * Offers an extension (RFC 6455 §9.1) through its client provider; offers are sent in the order added.
         *
         * @throws IllegalArgumentException when an extension of the same name was added already
         */
        public Builder extension(ClientExtensionProvider provider) {
            Objects.requireNonNull(provider, "provider");
            for (ClientExtensionProvider p : extensions) {
                if (p.name().equalsIgnoreCase(provider.name())) {
                    throw new IllegalArgumentException("extension " + provider.name() + " added twice");
                }
            }
            extensions.add(provider);
            return this;
        }

        /** A handshake with a fresh {@code Sec-WebSocket-Key}; each call draws a new one. */
        public ClientHandshake build() {
            return new ClientHandshake(this);
        }
    }
}
