package dev.sleet.handshake;

import dev.sleet.handshake.internal.HttpChars;
import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionProvider;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks an upgrade request against RFC 6455 §4.2.1 and negotiates what the 101 response will carry
 * (§4.2.2): the accept value, a subprotocol and the extensions. Thread-safe and reusable: one per server.
 *
 * <p>The rules, in the order they are checked, and the status each failure gets:
 * <ol>
 *   <li>method {@code GET} — 400;</li>
 *   <li>HTTP/1.1 or later — 400;</li>
 *   <li>exactly one {@code Host} — 400;</li>
 *   <li>{@code Upgrade} has the token {@code websocket} (any case, in any comma list) — 400;</li>
 *   <li>{@code Connection} has the token {@code upgrade} (any case) — 400;</li>
 *   <li>no body ({@code Transfer-Encoding}, or a {@code Content-Length} other than 0) — 400;</li>
 *   <li>exactly one {@code Sec-WebSocket-Version}, equal to {@code 13} — missing or another value: 426 with
 *       {@code Sec-WebSocket-Version: 13}; repeated: 400. Checked before the key, so a client of an older draft
 *       learns the version this server speaks;</li>
 *   <li>exactly one {@code Sec-WebSocket-Key}, the Base64 of 16 bytes — 400;</li>
 *   <li>{@code Origin} allowed by the {@link OriginPolicy} — 403;</li>
 *   <li>{@code Sec-WebSocket-Protocol}: distinct tokens — 400; the server picks the first of its own subprotocols
 *       (preference order) that the client offered, compared exactly; none in common means no subprotocol;</li>
 *   <li>{@code Sec-WebSocket-Extensions}: the RFC 6455 §9.1 grammar — 400; each available provider whose name
 *       the client offered is called with all offers of that name, in the client's order. The accepted
 *       extensions are listed in the order the client first offered them.</li>
 * </ol>
 */
public final class HandshakeNegotiator {

    private static final System.Logger LOG = System.getLogger(HandshakeNegotiator.class.getName());
    private static final HttpHeaders VERSION_13 = HttpHeaders.of("Sec-WebSocket-Version", "13", "Upgrade", "websocket");

    private final HandshakeConfig config;
    private final ExtensionProvider[] providers;

    /** A negotiator for {@code config}; providers that are not available are dropped now. */
    public HandshakeNegotiator(HandshakeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        List<ExtensionProvider> usable = new ArrayList<>();
        for (ExtensionProvider p : config.extensionProviders()) {
            if (p.isAvailable()) {
                usable.add(p);
            } else if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "extension {0} is not available; not offering it", p.name());
            }
        }
        this.providers = usable.toArray(new ExtensionProvider[0]);
    }

    /** A negotiator for {@link HandshakeConfig#defaults()}. */
    public HandshakeNegotiator() {
        this(HandshakeConfig.defaults());
    }

    /** The configuration. */
    public HandshakeConfig config() {
        return config;
    }

    /**
     * Validates {@code request} and negotiates the connection.
     *
     * @throws HandshakeException with 400, 403 or 426 (see the class comment), or whatever an extension provider
     *                            throws as a {@link HandshakeException}
     */
    public HandshakeResult negotiate(HttpRequest request) {
        HttpHeaders h = request.headers();
        if (!"GET".equals(request.method())) {
            throw bad("the method of an upgrade request must be GET");
        }
        if (request.versionMajor() < 1 || request.versionMajor() == 1 && request.versionMinor() < 1) {
            throw bad("an upgrade request needs HTTP/1.1 or later");
        }
        int hosts = h.count("Host");
        if (hosts != 1) {
            throw bad(hosts == 0 ? "missing Host" : "more than one Host field");
        }
        if (!h.containsToken("Upgrade", "websocket")) {
            throw bad("the Upgrade field must name websocket");
        }
        if (!h.containsToken("Connection", "upgrade")) {
            throw bad("the Connection field must include upgrade");
        }
        if (h.contains("Transfer-Encoding") || hasNonZeroContentLength(h)) {
            throw bad("an upgrade request must not have a body");
        }
        List<String> versions = h.all("Sec-WebSocket-Version");
        if (versions.size() > 1) {
            throw bad("more than one Sec-WebSocket-Version field");
        }
        if (versions.isEmpty() || !versions.get(0).equals("13")) {
            throw new HandshakeException(HandshakeException.UPGRADE_REQUIRED,
                    versions.isEmpty() ? "missing Sec-WebSocket-Version; this server speaks 13"
                            : "unsupported Sec-WebSocket-Version; this server speaks 13", VERSION_13);
        }
        List<String> keys = h.all("Sec-WebSocket-Key");
        if (keys.size() != 1) {
            throw bad(keys.isEmpty() ? "missing Sec-WebSocket-Key" : "more than one Sec-WebSocket-Key field");
        }
        String key = keys.get(0);
        if (!WebSocketAccept.isValidKey(key)) {
            throw bad("Sec-WebSocket-Key must be the Base64 of 16 bytes");
        }
        config.originPolicy().check(h);

        List<String> offered = offeredSubprotocols(h);
        Optional<String> chosen = Optional.empty();
        for (String mine : config.subprotocols()) {
            if (offered.contains(mine)) {
                chosen = Optional.of(mine);
                break;
            }
        }
        List<ExtensionAgreement> agreements = negotiateExtensions(h);
        return new HandshakeResult(WebSocketAccept.compute(key), chosen, agreements, offered);
    }

    /** The client's subprotocols (RFC 6455 §4.1 item 10: distinct tokens), in its order. */
    static List<String> offeredSubprotocols(HttpHeaders h) {
        if (!h.contains("Sec-WebSocket-Protocol")) {
            return List.of();
        }
        List<String> offered = h.tokens("Sec-WebSocket-Protocol");
        for (int i = 0; i < offered.size(); i++) {
            String p = offered.get(i);
            if (!HttpChars.isToken(p)) {
                throw bad("malformed Sec-WebSocket-Protocol: elements must be tokens");
            }
            if (offered.subList(0, i).contains(p)) {
                throw bad("malformed Sec-WebSocket-Protocol: " + p + " is listed twice");
            }
        }
        return offered;
    }

    private List<ExtensionAgreement> negotiateExtensions(HttpHeaders h) {
        if (!h.contains("Sec-WebSocket-Extensions")) {
            return List.of();
        }
        // Parsed even when no provider is configured: a malformed field gets 400 whatever the configuration.
        List<ExtensionOffer> offers = ExtensionOffer.parseHeader(h.all("Sec-WebSocket-Extensions"));
        if (providers.length == 0 || offers.isEmpty()) {
            return List.of();
        }
        List<ExtensionAgreement> agreements = new ArrayList<>(2);
        List<String> done = new ArrayList<>(2);
        for (ExtensionOffer first : offers) {
            String name = first.name();
            if (containsIgnoreCase(done, name)) {
                continue;
            }
            done.add(name);
            ExtensionProvider provider = provider(name);
            if (provider == null) {
                continue;
            }
            List<ExtensionOffer> same = new ArrayList<>(2);
            for (ExtensionOffer o : offers) {
                if (o.name().equalsIgnoreCase(name)) {
                    same.add(o);
                }
            }
            ExtensionAgreement agreement = ask(provider, List.copyOf(same));
            if (agreement != null) {
                agreements.add(agreement);
            }
        }
        return agreements;
    }

    private static ExtensionAgreement ask(ExtensionProvider provider, List<ExtensionOffer> offers) {
        Optional<ExtensionAgreement> answer;
        try {
            answer = provider.negotiate(offers);
        } catch (HandshakeException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "extension provider " + provider.name() + " failed; declining the extension", e);
            return null;
        }
        if (answer == null || answer.isEmpty()) {
            return null;
        }
        ExtensionAgreement agreement = answer.get();
        ExtensionOffer response = agreement.response();
        if (response == null || !response.name().equalsIgnoreCase(provider.name())) {
            LOG.log(Level.WARNING, "extension provider {0} answered with another extension''s response ({1}); "
                    + "declining the extension", provider.name(), response);
            return null;
        }
        return agreement;
    }

    private ExtensionProvider provider(String name) {
        for (ExtensionProvider p : providers) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }

    private static boolean containsIgnoreCase(List<String> list, String s) {
        for (String x : list) {
            if (x.equalsIgnoreCase(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasNonZeroContentLength(HttpHeaders h) {
        for (String v : h.all("Content-Length")) {
            if (v.isEmpty() || !v.chars().allMatch(c -> c == '0')) {
                return true;
            }
        }
        return false;
    }

    private static HandshakeException bad(String reason) {
        return new HandshakeException(HandshakeException.BAD_REQUEST, reason);
    }
}
