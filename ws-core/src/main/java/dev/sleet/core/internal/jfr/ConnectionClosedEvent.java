package dev.sleet.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.sleet.ConnectionClosed")
@Label("WebSocket Connection Closed")
@Description("An open WebSocket connection ended: emitted as the core closes its socket, before onClose runs")
@Category({"Sleet", "WebSocket"})
@StackTrace(false)
final class ConnectionClosedEvent extends jdk.jfr.Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Close Code")
    @Description("The code onClose reports: the peer's for a close it started, else the server's; 1006 when TCP "
            + "ended without a close handshake")
    int closeCode;

    @Label("Reason")
    @Description("The reason onClose reports")
    String reason;

    @Label("Cause")
    @Description("What ended the connection first: peer-close, server-close, protocol-error, handler-crash, "
            + "timeout, io-error, shutdown, internal-error")
    String cause;
}
