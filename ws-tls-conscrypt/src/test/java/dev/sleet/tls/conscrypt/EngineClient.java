package dev.sleet.tls.conscrypt;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A TLS client that drives its own {@link SSLEngine} over a plain blocking socket, so a test can do what no polite
 * client does: stop halfway through a handshake, send half a record, renegotiate, or write raw bytes between
 * records. WebSocket framing on top is minimal: an upgrade, masked frames out, unmasked frames in.
 */
final class EngineClient implements AutoCloseable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final Socket socket;
    final SSLEngine engine;
    private final InputStream in;
    private final OutputStream out;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private final ByteArrayOutputStream plain = new ByteArrayOutputStream();

    EngineClient(SSLContext context, int port, String sni, String... protocols) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        engine = context.createSSLEngine(sni == null ? "127.0.0.1" : sni, port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (protocols.length > 0) {
            p.setProtocols(protocols);
        }
        engine.setSSLParameters(p);
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        netIn.flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /** The first flight (ClientHello) without sending it. */
    byte[] clientHello() throws IOException {
        engine.beginHandshake();
        return wrap(EMPTY);
    }

    /** Runs the whole handshake (a new one after the first: renegotiation or, in TLS 1.3, a key update). */
    void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
            switch (hs) {
                case NEED_WRAP -> {
                    out.write(wrap(EMPTY));
                    hs = engine.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> hs = unwrapOnce();
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    hs = engine.getHandshakeStatus();
                }
                default -> throw new IllegalStateException(hs.toString());
            }
        }
    }

    /** Encrypts {@code app} into records (one or more) without sending them. */
    byte[] wrap(ByteBuffer app) throws IOException {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            net.clear();
            SSLEngineResult r = engine.wrap(app, net);
            if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
                throw new IOException("wrap: " + r);
            }
            records.write(net.array(), 0, net.position());
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            }
        } while (app.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                && !engine.isOutboundDone());
        return records.toByteArray();
    }

    /** Reads from the socket until one unwrap makes progress; application bytes go to {@link #plain}. */
    private HandshakeStatus unwrapOnce() throws IOException {
        while (true) {
            netIn.compact();
            netIn.flip();
            appIn.clear();
            SSLEngineResult r = netIn.hasRemaining() ? engine.unwrap(netIn, appIn) : null;
            if (r != null && r.getStatus() == SSLEngineResult.Status.OK) {
                plain.write(appIn.array(), 0, appIn.position());
                return r.getHandshakeStatus();
            }
            if (r != null && r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new EOFException("the server sent close_notify");
            }
            if (r != null && r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                appIn = ByteBuffer.allocate(appIn.capacity() * 2);
                continue;
            }
            // underflow (or nothing buffered): read more ciphertext
            if (netIn.limit() == netIn.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
                bigger.put(netIn).flip();
                netIn = bigger;
            }
            netIn.compact();
            int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
            if (n < 0) {
                netIn.flip();
                throw new EOFException("the server closed the connection");
            }
            netIn.position(netIn.position() + n);
            netIn.flip();
        }
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(byte[] app) throws IOException {
        sendRaw(wrap(ByteBuffer.wrap(app)));
    }

    /** Sends the WebSocket upgrade and waits for the 101. */
    void upgrade() throws IOException {
        send(("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (true) {
            String head = plain.toString(StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            if (end >= 0) {
                if (!head.startsWith("HTTP/1.1 101")) {
                    throw new IOException("expected 101, got " + head);
                }
                byte[] rest = plain.toByteArray();
                plain.reset();
                plain.write(rest, end + 4, rest.length - end - 4);
                return;
            }
            unwrapOnce();
        }
    }

    void sendText(String text) throws IOException {
        send(RawWebSocket.encode(true, 0, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The next server frame's payload, as text (server frames are unmasked, RFC 6455 §5.1). */
    String readText() throws IOException {
        while (true) {
            byte[] b = plain.toByteArray();
            if (b.length >= 2) {
                int len = b[1] & 0x7F;
                int header = 2;
                if (len == 126) {
                    if (b.length < 4) {
                        unwrapOnce();
                        continue;
                    }
                    len = (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
                    header = 4;
                }
                if (b.length >= header + len) {
                    plain.reset();
                    plain.write(b, header + len, b.length - header - len);
                    return new String(b, header, len, StandardCharsets.UTF_8);
                }
            }
            unwrapOnce();
        }
    }

    /**
     * Reads until the server's close_notify (RFC 8446 §6.1) arrives: true when it does before the connection
     * ends, false when the connection simply ends (or nothing comes within {@code timeout}).
     */
    boolean awaitCloseNotify(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (true) {
                unwrapOnce();
            }
        } catch (EOFException e) {
            return engine.isInboundDone() && e.getMessage().contains("close_notify");
        } catch (SocketTimeoutException | SocketException e) {
            return false;
        }
    }

    /**
     * True when the server ends the connection within {@code timeout}: end of stream, a reset, a TLS alert or
     * close_notify. Application data that arrives meanwhile is ignored. False when it stays open.
     */
    boolean awaitEndedByServer(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException | SSLException e) {
                return true; // reset
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
