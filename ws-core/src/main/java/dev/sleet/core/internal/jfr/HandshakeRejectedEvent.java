package dev.sleet.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.sleet.HandshakeRejected")
@Label("WebSocket Handshake Rejected")
@Description("A request was answered with an HTTP error instead of an upgrade, or a socket was refused at accept")
@Category({"Sleet", "WebSocket"})
@StackTrace(false)
final class HandshakeRejectedEvent extends jdk.jfr.Event {
    @Label("Connection Id")
    @Description("The connection's id, or 0 for a socket refused at accept (over a connection limit)")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("HTTP Status")
    @Description("400 malformed, 403 origin or handler, 414/431 too long, 426 wrong version or not an upgrade, "
            + "500 handler failure, 503 shutting down, no decision in time or too many connections")
    int status;

    @Label("Reason")
    String reason;
}
