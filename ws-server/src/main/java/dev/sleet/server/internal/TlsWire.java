package dev.sleet.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS over the event loop with any {@link SSLEngine} (the JDK's, Conscrypt's): handshake, unwrap on read, wrap
 * on write, close_notify on close. Ciphertext moves through buffers owned by the loop; a connection keeps bytes
 * of its own only when a record arrives in pieces or the socket takes part of a write, and drops them once used,
 * so an idle TLS connection holds no buffer.
 *
 * <p>Renegotiation is refused: TLS 1.3 has none, and a TLS 1.2 client that asks after the first handshake gets
 * its connection ended.
 */
final class TlsWire implements Wire {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final EventLoop loop;
    private final Runnable wantWrite;
    private final int packetSize;

    /** Ciphertext received but not yet a whole record. */
    private ByteBuffer pendingIn;
    /** Ciphertext produced but not yet taken by the socket. */
    private ByteBuffer pendingOut;
    private boolean handshakeDone;
    private boolean inboundClosed;
    private String serverName;

    TlsWire(SocketChannel channel, SSLEngine engine, EventLoop loop, Runnable wantWrite) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        this.loop = loop;
        this.wantWrite = wantWrite;
        engine.setUseClientMode(false);
        this.packetSize = engine.getSession().getPacketBufferSize();
        engine.beginHandshake();
    }

    /** The SNI host name the client asked for, once the handshake is done. */
    String serverName() {
        return serverName;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (inboundClosed) {
            return -1;
        }
        ByteBuffer net = netIn();
        net.clear();
        if (pendingIn != null) {
            net.put(pendingIn);
            pendingIn = null;
        }
        int n = channel.read(net);
        net.flip();
        int produced = unwrapAll(net, dst);
        if (net.hasRemaining()) {
            pendingIn = ByteBuffer.allocate(Math.max(net.remaining(), 512)).put(net).flip();
        }
        if (inboundClosed || (n < 0 && produced == 0)) {
            return produced > 0 ? produced : -1;
        }
        return produced;
    }

    /** True when whole records may wait in {@code pendingIn} (dst filled up before they were unwrapped). */
    @Override
    public boolean hasBufferedInput() {
        return pendingIn != null && pendingIn.remaining() >= 5 && recordFits(pendingIn);
    }

    private static boolean recordFits(ByteBuffer b) {
        int p = b.position();
        int len = (b.get(p + 3) & 0xFF) << 8 | (b.get(p + 4) & 0xFF);
        return b.remaining() >= 5 + len;
    }

    private int unwrapAll(ByteBuffer net, ByteBuffer dst) throws IOException {
        int produced = 0;
        while (true) {
            if (dst.remaining() < engine.getSession().getApplicationBufferSize()) {
                return produced; // leave the rest for the next read; the caller drains dst first
            }
            SSLEngineResult r = engine.unwrap(net, dst);
            produced += r.bytesProduced();
            switch (r.getStatus()) {
                case OK -> {
                    if (!handshake(r.getHandshakeStatus())) {
                        return produced;
                    }
                    if (!net.hasRemaining()) {
                        return produced;
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    return produced; // need the rest of the record
                }
                case BUFFER_OVERFLOW -> {
                    return produced;
                }
                case CLOSED -> {
                    // close_notify from the peer: answer with ours and treat as end of stream
                    inboundClosed = true;
                    engine.closeOutbound();
                    handshake(engine.getHandshakeStatus());
                    return produced;
                }
            }
        }
    }

    /**
     * Drives the handshake as far as it can go now. Returns false when it must wait (for the peer, or for the
     * socket to take our records).
     */
    private boolean handshake(HandshakeStatus status) throws IOException {
        while (true) {
            switch (status) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    ByteBuffer out = netOut();
                    out.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, out);
                    out.flip();
                    writeOrKeep(out);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return false;
                    }
                    status = r.getHandshakeStatus();
                    if (pendingOut != null) {
                        return status != HandshakeStatus.NEED_WRAP;
                    }
                }
                case FINISHED -> {
                    onHandshakeFinished();
                    return true;
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    return true; // keep unwrapping what we have; more will come
                }
                default -> {
                    // NOT_HANDSHAKING
                    if (!handshakeDone && engine.getSession().isValid()) {
                        onHandshakeFinished();
                    }
                    return true;
                }
            }
        }
    }

    private void onHandshakeFinished() throws SSLException {
        if (handshakeDone) {
            // RFC 5746 aside, Sleet never renegotiates: a second handshake ends the connection.
            throw new SSLException("TLS renegotiation is not supported");
        }
        handshakeDone = true;
        SSLSession session = engine.getSession();
        if (session instanceof ExtendedSSLSession ext) {
            List<SNIServerName> names = ext.getRequestedServerNames();
            for (SNIServerName name : names) {
                if (name instanceof SNIHostName host) {
                    serverName = host.getAsciiName();
                }
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!handshakeDone) {
            return 0;
        }
        int consumed = 0;
        ByteBuffer out = netOut();
        while (src.hasRemaining() && pendingOut == null) {
            out.clear();
            while (src.hasRemaining() && out.remaining() >= packetSize) {
                SSLEngineResult r = engine.wrap(src, out);
                consumed += r.bytesConsumed();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new IOException("TLS session closed");
                }
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
            }
            out.flip();
            writeOrKeep(out);
        }
        return consumed;
    }

    /** Writes {@code out}; whatever the socket does not take is kept for later and write interest requested. */
    private void writeOrKeep(ByteBuffer out) throws IOException {
        if (pendingOut != null) {
            ByteBuffer merged = ByteBuffer.allocate(pendingOut.remaining() + out.remaining());
            merged.put(pendingOut).put(out).flip();
            pendingOut = merged;
            wantWrite.run();
            return;
        }
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                break;
            }
        }
        if (out.hasRemaining()) {
            pendingOut = ByteBuffer.allocate(out.remaining()).put(out).flip();
            wantWrite.run();
        }
    }

    @Override
    public boolean hasPendingOutput() {
        return pendingOut != null;
    }

    @Override
    public boolean flushPending() throws IOException {
        if (pendingOut == null) {
            return true;
        }
        while (pendingOut.hasRemaining()) {
            if (channel.write(pendingOut) == 0) {
                return false;
            }
        }
        pendingOut = null;
        if (!handshakeDone && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            handshake(HandshakeStatus.NEED_WRAP);
        }
        return pendingOut == null;
    }

    @Override
    public void close() {
        try {
            engine.closeOutbound();
            ByteBuffer out = netOut();
            out.clear();
            engine.wrap(EMPTY, out);
            out.flip();
            channel.write(out); // best effort: one try, the socket closes next
        } catch (IOException | RuntimeException ignored) {
            // the peer may be gone already
        }
        abort();
    }

    @Override
    public void abort() {
        pendingIn = null;
        pendingOut = null;
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    private ByteBuffer netIn() {
        if (loop.tlsNetIn == null) {
            loop.tlsNetIn = ByteBuffer.allocateDirect(Math.max(EventLoop.READ_BUFFER_SIZE, packetSize * 2));
        }
        return loop.tlsNetIn;
    }

    private ByteBuffer netOut() {
        if (loop.tlsNetOut == null) {
            loop.tlsNetOut = ByteBuffer.allocateDirect(EventLoop.READ_BUFFER_SIZE + packetSize * 2);
        }
        return loop.tlsNetOut;
    }
}
