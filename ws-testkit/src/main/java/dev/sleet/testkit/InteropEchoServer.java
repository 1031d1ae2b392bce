package dev.sleet.testkit;

import java.net.URI;

/**
 * A WebSocket echo server written by someone other than Sleet, for client interoperability tests. Every
 * implementation behaves the same:
 * <ul>
 * <li>text and binary messages come back as they arrived (a fragmented message comes back as one message);</li>
 * <li>pings are answered with pongs by the peer library itself;</li>
 * <li>the text message {@code close:<code>:<reason>} makes the server close with that code and reason;</li>
 * <li>the text message {@code ext?} is answered with the {@code Sec-WebSocket-Extensions} value the server sent in
 * its 101 response (an empty text when it sent none);</li>
 * <li>permessage-deflate (RFC 7692) is enabled: client offers are accepted, {@code client_max_window_bits} and the
 * {@code *_no_context_takeover} parameters are honoured; an offer with {@code server_max_window_bits} may be
 * declined (Netty's, without the optional JZlib, declines it), so clients offer a fallback after it;</li>
 * <li>messages up to 64 MiB are accepted.</li>
 * </ul>
 * It listens on 127.0.0.1; any path is served. {@link #close()} stops it (an external process by its PID).
 */
public interface InteropEchoServer extends AutoCloseable {
    /** The text message that asks for the negotiated extensions. */
    String EXTENSIONS_QUERY = "ext?";

    /** The peer's name and version, for messages (e.g. {@code node ws 8.23.1}). */
    String name();

    /** The port it listens on, on 127.0.0.1. */
    int port();

    /** {@code ws://127.0.0.1:port<path>}. */
    default URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** The text message that makes the server close with {@code code} and {@code reason}. */
    static String closeCommand(int code, String reason) {
        return "close:" + code + ":" + reason;
    }

    /** Stops the server and waits (bounded) for it to end; an interrupt is kept as the thread's status. */
    @Override
    void close();
}
