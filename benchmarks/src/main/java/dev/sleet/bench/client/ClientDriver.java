package dev.sleet.bench.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * One WebSocket client library as the client benchmark drives it. The workloads ({@link EchoWorkload},
 * {@link ConnectWorkload}) own the messages, the checks and the counting; a driver only opens connections, sends
 * what it is given and hands back what arrives, the way an application using that library would (text as a
 * {@code String}, binary as bytes). Each driver runs in a JVM of its own ({@link ClientRunner}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #connect} completes once the opening handshake succeeded (RFC 6455 §4.1), or exceptionally with the
 *       reason it failed (connect, TLS, upgrade). wss:// must trust {@link Options#trustedCertificate()} (a
 *       self-signed certificate for 127.0.0.1 and localhost) with hostname verification left on.</li>
 *   <li>{@link Inbound} callbacks for one connection are never run concurrently and each sees the effects of the
 *       previous one (the libraries' own guarantee: a Netty channel's event loop, the JDK's sequential listener
 *       invocations, a Sleet connection's actor). Different connections may call back on different threads.</li>
 *   <li>{@link Session#sendText}/{@link Session#sendBinary} never block and may be called from any thread,
 *       including from inside a callback. Messages of one connection go out in the order of the calls. A send may
 *       be held until {@link Session#flush()} or until the callback it was made in returns (so that a library
 *       which batches writes, as Netty does, flushes once per batch of reads instead of once per message).</li>
 *   <li>{@link Session#close()} starts the closing handshake with 1000 and completes when the connection is
 *       closed (the server's close frame received, or the TCP connection gone).</li>
 * </ul>
 */
public interface ClientDriver extends AutoCloseable {

    /** How a driver is set up: I/O threads (where the library lets one choose) and the certificate to trust. */
    record Options(int ioThreads, X509Certificate trustedCertificate, SSLContext trustingContext) {
    }

    /** Opens one connection to a ws:// or wss:// URI; {@code inbound} receives what arrives on it. */
    CompletableFuture<Session> connect(URI uri, Inbound inbound);

    /** Stops the library's threads; open connections may be dropped. */
    @Override
    void close();

    /** One open connection. */
    interface Session {
        void sendText(String text);

        /** The array is not modified after the call, so a driver may send it without a copy. */
        void sendBinary(byte[] data);

        /** Writes what earlier sends may still hold. */
        void flush();

        /** Sends a close frame with 1000; completes when the connection is closed. */
        CompletableFuture<Void> close();
    }

    /** What arrives on a connection. */
    interface Inbound {
        /** A whole text message (fragments already joined). */
        void onText(String text);

        /** A whole binary message; {@code data} is valid only during the call. */
        void onBinary(ByteBuffer data);

        /** The connection closed: a close frame's code, or 1006 when the TCP connection ended without one. */
        void onClosed(int code, String reason);

        /** A protocol or I/O error on the connection. */
        void onError(Throwable error);
    }
}
