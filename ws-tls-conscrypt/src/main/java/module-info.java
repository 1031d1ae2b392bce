/**
 * A wss:// transport for the Sleet server and client on Conscrypt's {@code SSLEngine} (BoringSSL). It plugs in through
 * {@code ServiceLoader}: with this module on the module path a TLS server picks it over the built-in
 * {@code jdk-tls} transport whenever Conscrypt's native library loads, and falls back (and says why) when it
 * does not. {@link dev.sleet.tls.conscrypt.ConscryptTransport} reports whether Conscrypt is usable here.
 */
module dev.sleet.tls.conscrypt {
    requires dev.sleet.server;
    requires org.conscrypt;

    // API
    exports dev.sleet.tls.conscrypt;

    // Services
    provides dev.sleet.server.spi.TransportProvider with
            dev.sleet.tls.conscrypt.internal.ConscryptTransportProvider;
    // ... and for the client's wss:// (dev.sleet.core comes with dev.sleet.server)
    provides dev.sleet.core.spi.ClientTlsProvider with
            dev.sleet.tls.conscrypt.internal.ConscryptClientTlsProvider;
}
