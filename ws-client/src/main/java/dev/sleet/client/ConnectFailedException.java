package dev.sleet.client;

import java.net.InetSocketAddress;

/**
 * The TCP connection could not be made (refused, unreachable) or broke before the WebSocket handshake finished
 * (reset, closed without a complete response).
 */
public final class ConnectFailedException extends WebSocketClientException {
    private static final long serialVersionUID = 1L;
    private final transient InetSocketAddress address;

    public ConnectFailedException(InetSocketAddress address, String message, Throwable cause) {
        super(message + " (" + address + ")", cause);
        this.address = address;
    }

    /** The address the client connected (or tried to connect) to. */
    public InetSocketAddress address() {
        return address;
    }
}
