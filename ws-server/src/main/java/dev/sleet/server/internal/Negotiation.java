package dev.sleet.server.internal;

import dev.sleet.handshake.HandshakeConfig;
import dev.sleet.handshake.HandshakeNegotiator;
import dev.sleet.handshake.OriginPolicy;
import dev.sleet.handshake.spi.ExtensionProvider;
import java.util.ArrayList;
import java.util.List;

/** Builds the handshake negotiator from the server's settings. */
final class Negotiation {
    private Negotiation() {
    }

    static HandshakeNegotiator negotiator(ServerConfig config) {
        List<ExtensionProvider> extensions = new ArrayList<>();
        for (ExtensionProvider p : config.extensions()) { // names were resolved by the builder
            if (!p.isAvailable()) {
                throw new IllegalStateException("extension " + p.name() + " is installed but not available");
            }
            extensions.add(p);
        }
        OriginPolicy origins = config.allowedOrigins().isEmpty()
                ? OriginPolicy.allowAll()
                : OriginPolicy.allowOnly(config.allowedOrigins());
        return new HandshakeNegotiator(HandshakeConfig.builder()
                .subprotocols(config.subprotocols())
                .originPolicy(origins)
                .extensions(extensions)
                .build());
    }
}
