package dev.sleet.handshake;

import dev.sleet.handshake.internal.HttpChars;
import dev.sleet.handshake.spi.ExtensionProvider;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a server accepts in an opening handshake (RFC 6455 §4.2.2): its subprotocols in preference order, the
 * {@code Origin} policy and the extension providers it offers, in preference order.
 *
 * @param subprotocols       subprotocol names (tokens), most preferred first; empty to speak none
 * @param originPolicy       the {@code Origin} allow-list
 * @param extensionProviders extension providers, one per name; providers that are not
 *                           {@link ExtensionProvider#isAvailable() available} are skipped
 */
public record HandshakeConfig(List<String> subprotocols, OriginPolicy originPolicy,
                              List<ExtensionProvider> extensionProviders) {

    private static final HandshakeConfig DEFAULTS = new HandshakeConfig(List.of(), OriginPolicy.allowAll(), List.of());

    /** Copies the lists and checks names: subprotocols must be distinct tokens, providers distinct by name. */
    public HandshakeConfig {
        subprotocols = List.copyOf(subprotocols);
        Objects.requireNonNull(originPolicy, "originPolicy");
        extensionProviders = List.copyOf(extensionProviders);
        for (int i = 0; i < subprotocols.size(); i++) {
            String p = subprotocols.get(i);
            if (!HttpChars.isToken(p)) {
                throw new IllegalArgumentException("subprotocol is not a token: \"" + p + "\"");
            }
            if (subprotocols.subList(0, i).contains(p)) {
                throw new IllegalArgumentException("subprotocol listed twice: " + p);
            }
        }
        List<String> names = new ArrayList<>();
        for (ExtensionProvider provider : extensionProviders) {
            String name = provider.name();
            if (!HttpChars.isToken(name)) {
                throw new IllegalArgumentException("extension name is not a token: \"" + name + "\"");
            }
            for (String seen : names) {
                if (seen.equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException("two extension providers for " + name);
                }
            }
            names.add(name);
        }
    }

    /** No subprotocols, every origin, no extensions. */
    public static HandshakeConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link HandshakeConfig}. Not thread-safe. */
    public static final class Builder {
        private List<String> subprotocols = List.of();
        private OriginPolicy originPolicy = OriginPolicy.allowAll();
        private final List<ExtensionProvider> providers = new ArrayList<>();

        private Builder() {
        }

        /** The subprotocols, most preferred first. */
        public Builder subprotocols(String... names) {
            return subprotocols(Arrays.asList(names));
        }

        /** The subprotocols, most preferred first. */
        public Builder subprotocols(List<String> names) {
            this.subprotocols = List.copyOf(names);
            return this;
        }

        /** The {@code Origin} policy (default: {@link OriginPolicy#allowAll()}). */
        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Adds an extension provider, after those added before it in preference order. */
        public Builder extension(ExtensionProvider provider) {
            providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /** Adds extension providers, most preferred first. */
        public Builder extensions(List<? extends ExtensionProvider> list) {
            list.forEach(this::extension);
            return this;
        }

        /** The configuration. */
        public HandshakeConfig build() {
            return new HandshakeConfig(subprotocols, originPolicy, providers);
        }
    }
}
