package dev.sleet.client;

import dev.sleet.handshake.spi.ClientExtensionProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@link WebSocketClient#connect} asks of the server beyond the URI: extra request headers (an
 * {@code Authorization} token, cookies), the {@code Origin}, subprotocol offers and extension offers (e.g.
 * {@code new PerMessageDeflateClient()} from {@code dev.sleet.deflate}). Immutable; header names and values are
 * checked when the request is built (no CR/LF, token names, none of the handshake's own fields).
 */
public final class ConnectOptions {
    private static final ConnectOptions DEFAULTS = builder().build();

    private final List<Map.Entry<String, String>> headers;
    private final String origin;
    private final List<String> subprotocols;
    private final List<ClientExtensionProvider> extensions;
    private final int maxRedirects;
    private final boolean crossOriginRedirects;
    private final ReconnectPolicy reconnect;
    private final ReconnectListener reconnectListener;

    private ConnectOptions(Builder b) {
        this.reconnect = b.reconnect;
        this.reconnectListener = b.reconnectListener;
        this.maxRedirects = b.maxRedirects;
        this.crossOriginRedirects = b.crossOriginRedirects;
        this.headers = List.copyOf(b.headers);
        this.origin = b.origin;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.extensions = List.copyOf(b.extensions);
    }

    /** No extra headers, no origin, no subprotocols, no extensions. */
    public static ConnectOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Extra request headers, in order. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The {@code Origin} to send, or null. */
    public String origin() {
        return origin;
    }

    /** Subprotocols offered, in order of preference. */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** Extensions offered. At most one codec extension can be agreed per connection. */
    public List<ClientExtensionProvider> extensions() {
        return extensions;
    }

    /** How many redirects (3xx with a {@code Location}) are followed; 0 (the default) reports the first one. */
    public int maxRedirects() {
        return maxRedirects;
    }

    /** Whether a redirect may lead to another scheme, host or port than the URI's (never from wss to ws). */
    public boolean crossOriginRedirects() {
        return crossOriginRedirects;
    }

    /** The policy for reconnecting a lost connection, or null (the default: a lost connection stays lost). */
    public ReconnectPolicy reconnect() {
        return reconnect;
    }

    /** Who hears about reconnect attempts ({@link ReconnectListener#NONE} by default). */
    public ReconnectListener reconnectListener() {
        return reconnectListener;
    }

    /** Builds {@link ConnectOptions}. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private String origin;
        private final List<String> subprotocols = new ArrayList<>();
        private final List<ClientExtensionProvider> extensions = new ArrayList<>();
        private int maxRedirects;
        private boolean crossOriginRedirects;
        private ReconnectPolicy reconnect;
        private ReconnectListener reconnectListener = ReconnectListener.NONE;

        private Builder() {
        }

        /**
         * Reconnects a connection that was lost — the server closed it, TCP broke, the heartbeat gave up — after the
         * policy's delays (exponential backoff with full jitter), up to its attempt limit. Not after this side closed
         * it ({@code Connection.close}, {@code WebSocketClient.close}) or its handler crashed. Each new connection runs
         * the same handler ({@code onOpen} again); the first connect's stage is not affected.
         */
        public Builder reconnect(ReconnectPolicy policy) {
            return reconnect(policy, ReconnectListener.NONE);
        }

        /** {@link #reconnect(ReconnectPolicy)} with a listener told of each attempt (it may stop them). */
        public Builder reconnect(ReconnectPolicy policy, ReconnectListener listener) {
            this.reconnect = Objects.requireNonNull(policy, "policy");
            this.reconnectListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Follows up to {@code max} redirects (0..20; default 0: a 3xx fails the connect with
         * {@link UpgradeFailedException#location()}). Only to the same origin (scheme, host, port) unless
         * {@link #crossOriginRedirects(boolean)}; never from {@code wss} to {@code ws}.
         */
        public Builder followRedirects(int max) {
            if (max < 0 || max > 20) {
                throw new IllegalArgumentException("followRedirects must be between 0 and 20: " + max);
            }
            this.maxRedirects = max;
            return this;
        }

        /** Lets followed redirects lead to another origin (still never from {@code wss} to {@code ws}). */
        public Builder crossOriginRedirects(boolean allow) {
            this.crossOriginRedirects = allow;
            return this;
        }

        /** Adds a request header (repeatable). */
        public Builder header(String name, String value) {
            headers.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
            return this;
        }

        /** Adds each of {@code fields} as a request header. */
        public Builder headers(Map<String, String> fields) {
            new LinkedHashMap<>(fields).forEach(this::header);
            return this;
        }

        public Builder origin(String origin) {
            this.origin = Objects.requireNonNull(origin, "origin");
            return this;
        }

        /** Offers these subprotocols, most preferred first. */
        public Builder subprotocols(String... names) {
            subprotocols.addAll(List.of(names));
            return this;
        }

        /** Offers an extension, e.g. {@code new PerMessageDeflateClient()}. */
        public Builder extension(ClientExtensionProvider provider) {
            extensions.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
