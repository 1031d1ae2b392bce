/**
 * Sleet's WebSocket client. This first part holds what needs no connection: {@link dev.sleet.client.ReconnectPolicy}.
 * The client itself ({@code WebSocketClient}, on the connection core shared with the server) is planned in
 * {@code docs/client-design.md}.
 */
module dev.sleet.client {
    // API
    exports dev.sleet.client;
}
