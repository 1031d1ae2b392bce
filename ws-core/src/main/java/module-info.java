/**
 * The connection core shared by the Sleet server and client: the public types both sides expose
 * ({@code Connection}, {@code Message}, {@code ConnectionHandler}...) and, exported to those two modules only, the
 * event loops, wires, connection actor, flow control and close machine they run connections on.
 */
module dev.sleet.core {
    requires transitive dev.sleet.frame;
    requires transitive dev.sleet.handshake;
    requires transitive dev.sleet.actor;
    requires org.jctools.core; // only org.jctools.queues.atomic: no sun.misc.Unsafe
    requires jdk.jfr; // Flight Recorder events (dev.sleet.core.internal.jfr, not exported: JFR needs no access)

    // API
    exports dev.sleet.core;
    // SPI: where a client's TLS engines come from (the server's transports have their own SPI in dev.sleet.server.spi)
    exports dev.sleet.core.spi;

    // The connection machinery, shared by exactly the two sides; users never see it.
    exports dev.sleet.core.internal to dev.sleet.server, dev.sleet.client;
    exports dev.sleet.core.internal.jfr to dev.sleet.server, dev.sleet.client;
}
