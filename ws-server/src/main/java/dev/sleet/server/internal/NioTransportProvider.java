package dev.sleet.server.internal;

import dev.sleet.server.spi.Transport;
import dev.sleet.server.spi.TransportConfig;
import dev.sleet.server.spi.TransportException;
import dev.sleet.server.spi.TransportProvider;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLEngine;

/** The built-in plain-TCP transport ({@code nio}): bytes go straight between socket and codec. */
public final class NioTransportProvider implements TransportProvider {
    public static final String NAME = "nio";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean secure() {
        return false;
    }

    @Override
    public Transport create(TransportConfig config) {
        if (config.tls() != null) {
            throw new TransportException("the nio transport is plain TCP; use a TLS transport for TLS settings");
        }
        return new Transport() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public boolean secure() {
                return false;
            }

            @Override
            public SSLEngine newEngine(InetSocketAddress peer) {
                throw new UnsupportedOperationException("the nio transport has no TLS engine");
            }
        };
    }
}
