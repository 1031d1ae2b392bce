package dev.sleet.client;

import java.time.Duration;

/** A deadline passed: the TCP connect ({@link Stage#CONNECT}) or the TLS and WebSocket handshake. */
public final class ConnectTimeoutException extends WebSocketClientException {
    private static final long serialVersionUID = 1L;

    /** Which deadline passed. */
    public enum Stage {
        /** The TCP connection was not made within {@code connectTimeout}. */
        CONNECT,
        /** TLS and the upgrade (request out, 101 in) did not finish within {@code handshakeTimeout}. */
        HANDSHAKE
    }

    private final Stage stage;
    private final Duration timeout;

    public ConnectTimeoutException(Stage stage, Duration timeout) {
        super(stage.name().toLowerCase(java.util.Locale.ROOT) + " timed out after " + timeout.toMillis() + " ms", null);
        this.stage = stage;
        this.timeout = timeout;
    }

    public Stage stage() {
        return stage;
    }

    public Duration timeout() {
        return timeout;
    }
}
