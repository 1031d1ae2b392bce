package dev.sleet.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.sleet.ConnectionOpened")
@Label("WebSocket Connection Opened")
@Description("A WebSocket upgrade completed: the 101 is queued and the connection reads frames")
@Category({"Sleet", "WebSocket"})
@StackTrace(false)
final class ConnectionOpenedEvent extends jdk.jfr.Event {
    @Label("Connection Id")
    @Description("Connection.id(), unique within the server (node id in the top 16 bits)")
    long connectionId;

    @Label("Remote Address")
    @Description("The peer's IP address and port, as the socket reports it")
    String remoteAddress;

    @Label("Path")
    @Description("The request path, not decoded")
    String path;

    @Label("Subprotocol")
    @Description("The subprotocol chosen, or null when none")
    String subprotocol;

    @Label("Transport")
    @Description("The transport of the listener that accepted the socket: nio, jdk-tls, conscrypt")
    String transport;
}
