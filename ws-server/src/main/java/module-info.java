/**
 * The Sleet WebSocket server: {@code WebSocketServer.builder()...start()}, handlers that run in one actor per
 * connection, and the transport SPI through which TLS engines plug in.
 */
module dev.sleet.server {
    requires transitive dev.sleet.core;
    requires transitive dev.sleet.frame;
    requires transitive dev.sleet.handshake;
    requires transitive dev.sleet.actor;
    requires org.jctools.core; // only org.jctools.queues.atomic: no sun.misc.Unsafe
    requires jdk.management; // the descriptor limit behind the default maxConnections
    requires jdk.jfr; // Flight Recorder events (dev.sleet.core.internal.jfr, not exported: JFR needs no access)

    // API
    exports dev.sleet.server;
    // SPI
    exports dev.sleet.server.spi;

    // Services
    uses dev.sleet.server.spi.TransportProvider;
    provides dev.sleet.server.spi.TransportProvider with
            dev.sleet.server.internal.NioTransportProvider,
            dev.sleet.server.internal.JdkTlsTransportProvider;
}
