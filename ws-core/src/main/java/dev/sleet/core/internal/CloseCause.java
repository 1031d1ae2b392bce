package dev.sleet.core.internal;

import dev.sleet.core.Connection;

/**
 * What ended a connection first, as the core knows it: recorded with the close status (the first cause wins, like
 * the status) and reported by the {@code dev.sleet.ConnectionClosed} Flight Recorder event.
 */
public enum CloseCause {
    /** The peer sent a close frame, or dropped TCP without one (code 1006). */
    PEER_CLOSE("peer-close"),
    /** The application closed ({@code Connection.close}), or the outbound cap overflowed (1008, slow consumer). */
    SERVER_CLOSE("server-close"),
    /** The peer broke RFC 6455 (1002, 1007, 1009). */
    PROTOCOL_ERROR("protocol-error"),
    /** A handler callback threw (1011). */
    HANDLER_CRASH("handler-crash"),
    /** Heartbeat (no pong), idle, handshake or close timeout. */
    TIMEOUT("timeout"),
    /** A read or write failed, or the transport (TLS) failed. */
    IO_ERROR("io-error"),
    /** The server is shutting down (1001), or the connection's actor was stopped from outside. */
    SHUTDOWN("shutdown"),
    /** A task of the core itself failed on the event loop (1011). */
    INTERNAL_ERROR("internal-error");

    final String label;

    CloseCause(String label) {
        this.label = label;
    }
}
