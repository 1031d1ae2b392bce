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

    private ConnectOptions(Builder b) {
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

    /** Builds {@link ConnectOptions}. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private String origin;
        private final List<String> subprotocols = new ArrayList<>();
        private final List<ClientExtensionProvider> extensions = new ArrayList<>();

        private Builder() {
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
