package dev.sleet.server.spi;

import dev.sleet.server.TlsConfig;
import dev.sleet.server.internal.TlsMaterial;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Helpers for TLS transport providers, so each provider only says where its {@link SSLContext} comes from: key
 * material from a {@link TlsConfig} (PEM in PKCS#8, PKCS#1 or SEC1 form, encrypted PKCS#8, a key store; several
 * certificates chosen by SNI), engine settings (protocols, cipher suites, ALPN, no client auth), and a
 * {@link Transport} whose certificates can be reloaded while the server runs.
 */
public final class TlsSupport {
    private TlsSupport() {
    }

    /**
     * Key managers for {@code config}: the default certificate, plus one per SNI name, chosen by the name the
     * client asked for.
     *
     * @throws TransportException naming the file and the problem when the material cannot be used
     */
    public static KeyManager[] keyManagers(TlsConfig config) {
        return TlsMaterial.keyManagers(config);
    }

    /**
     * Applies {@code config}'s protocols, cipher suites (those the engine supports; at least one must remain) and
     * ALPN names to a server-mode engine.
     */
    public static SSLEngine configure(SSLEngine engine, TlsConfig config) {
        return TlsMaterial.configure(engine, config);
    }

    /**
     * A transport that makes engines from a context built by {@code contextFactory} (an uninitialised
     * {@code SSLContext} of the provider's choice) and initialised with {@link #keyManagers(TlsConfig)} — or from
     * the config's own {@link SSLContext} when it has one. {@link Transport#reload} swaps in a new context.
     */
    public static Transport engineTransport(String name, TransportConfig config, Supplier<SSLContext> contextFactory) {
        Objects.requireNonNull(config.tls(), "TLS settings");
        return new EngineTransport(name, config.tls(), contextFactory);
    }

    private static final class EngineTransport implements Transport {
        private final String name;
        private final Supplier<SSLContext> contextFactory;
        private volatile Loaded loaded;

        private record Loaded(SSLContext context, TlsConfig config) {
        }

        EngineTransport(String name, TlsConfig config, Supplier<SSLContext> contextFactory) {
            this.name = name;
            this.contextFactory = contextFactory;
            this.loaded = load(config);
        }

        private Loaded load(TlsConfig config) {
            return new Loaded(TlsMaterial.context(config, contextFactory), config);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean secure() {
            return true;
        }

        @Override
        public SSLEngine newEngine(InetSocketAddress peer) {
            Loaded l = loaded;
            SSLEngine engine = l.context().createSSLEngine(peer.getHostString(), peer.getPort());
            return configure(engine, l.config());
        }

        @Override
        public void reload(TransportConfig config) {
            this.loaded = load(Objects.requireNonNull(config.tls(), "TLS settings"));
        }
    }
}
