package dev.sleet.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
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
 * on write, close_notify on close. Ciphertext moves through two buffers owned by the loop; a connection keeps
 * bytes of its own only when a record arrives in pieces or the socket takes part of a write, and drops them once
 * used, so an idle TLS connection holds no buffer.
 *
 * <p>Renegotiation is refused: a TLS 1.2 peer that starts a second handshake has its connection ended at its
 * first renegotiation record (RFC 5746 lets a server decline). TLS 1.3 has no renegotiation; its post-handshake
 * messages (KeyUpdate, RFC 8446 §4.6.3) are processed and answered.
 *
 * <p>The engine's delegated tasks (certificate and signature work in the JDK's engine; Conscrypt has none) run
 * inline on the loop, as Netty's {@code SslHandler} does by default: see {@code docs/benchmarks.md} (TLS) for the
 * handshake rate this gives.
 */
public final class TlsWire implements Wire {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final EventLoop loop;
    private final Runnable wantWrite;
    private final Runnable wantRead;
    private final int packetSize;
    private final int applicationSize;

    /** Ciphertext received but not yet unwrapped: a partial record, or whole ones that did not fit. */
    private ByteBuffer pendingIn;
    /** Ciphertext produced but not yet taken by the socket. */
    private ByteBuffer pendingOut;
    private boolean handshakeDone;
    /** A client's: run once when the handshake finishes. */
    private Runnable onHandshakeDone;
    private boolean tls13;
    private boolean inboundClosed;
    private boolean released;
    private String serverName;

    /**
     * @param wantWrite called when ciphertext waits for the socket (the connection should ask for OP_WRITE)
     * @param wantRead  called when whole records wait in this wire after a write unblocked them (the connection
     *                  should read again even though the socket may have nothing new)
     */
    TlsWire(SocketChannel channel, SSLEngine engine, EventLoop loop, Runnable wantWrite, Runnable wantRead)
            throws SSLException {
        this(channel, engine, loop, wantWrite, wantRead, false);
    }

    /**
     * @param clientMode the engine is a client's: its handshake starts with {@link #startClientHandshake}, not with
     *                   the peer's first record
     */
    TlsWire(SocketChannel channel, SSLEngine engine, EventLoop loop, Runnable wantWrite, Runnable wantRead,
            boolean clientMode) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        this.loop = loop;
        this.wantWrite = wantWrite;
        this.wantRead = wantRead;
        engine.setUseClientMode(clientMode);
        SSLSession session = engine.getSession();
        this.packetSize = session.getPacketBufferSize();
        this.applicationSize = session.getApplicationBufferSize();
        if (!clientMode) {
            engine.beginHandshake();
        }
    }

    /**
     * Ciphertext read from the socket before this wire read anything (what followed a PROXY protocol header, at most
     * one read's worth): the next {@link #read} starts with it. Loop only, before the first read.
     */
    public void unread(ByteBuffer ciphertext) {
        pendingIn = ByteBuffer.allocate(Math.max(ciphertext.remaining(), 512)).put(ciphertext).flip();
    }

    /** The SNI host name the client asked for, once the handshake is done; null when it sent none. */
    public String serverName() {
        return serverName;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (inboundClosed) {
            return -1;
        }
        ByteBuffer net = netIn();
        net.clear();
        ByteBuffer spare = null; // the carried record's buffer: reused if this read ends in a partial record too
        if (pendingIn != null) {
            net.put(pendingIn);
            spare = pendingIn;
            pendingIn = null;
        }
        int n = channel.read(net);
        net.flip();
        int produced;
        try {
            produced = unwrapAll(net, dst);
        } catch (SSLException e) {
            sendAlert(); // the engine has the alert that explains the failure; one try to get it out
            throw e;
        }
        if (net.hasRemaining()) {
            pendingIn = carry(spare, net);
        }
        if (inboundClosed || (n < 0 && produced == 0)) {
            return produced > 0 ? produced : -1; // a truncated record before the end is simply never delivered
        }
        return produced;
    }

    /**
     * Keeps the ciphertext left in {@code net} (a partial record, or records that did not fit) for the next read, in
     * {@code spare} when it is big enough: a stream of large records, whose reads end mid-record one after another,
     * then reuses one buffer instead of allocating one per read; a read that ends on a record boundary keeps nothing,
     * so an idle connection holds no buffer.
     */
    private static ByteBuffer carry(ByteBuffer spare, ByteBuffer net) {
        ByteBuffer b = spare != null && spare.capacity() >= net.remaining()
                ? spare.clear()
                : ByteBuffer.allocate(Math.max(net.remaining(), 512));
        return b.put(net).flip();
    }

    /** True when whole records wait in {@code pendingIn} (dst filled up before they were unwrapped). */
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
            if (dst.remaining() < applicationSize) {
                return produced; // the rest waits in pendingIn; the caller drains dst first
            }
            SSLEngineResult r = engine.unwrap(net, dst);
            produced += r.bytesProduced();
            switch (r.getStatus()) {
                case OK -> {
                    HandshakeStatus hs = r.getHandshakeStatus();
                    if (handshakeDone && !tls13 && hs != HandshakeStatus.NOT_HANDSHAKING
                            && hs != HandshakeStatus.FINISHED) {
                        refuseRenegotiation();
                    }
                    if (!handshake(hs) || !net.hasRemaining()) {
                        return produced;
                    }
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                        return produced; // no progress (e.g. a handshake waiting on the socket)
                    }
                }
                case BUFFER_UNDERFLOW, BUFFER_OVERFLOW -> {
                    return produced; // need the rest of the record / room that the next read brings
                }
                case CLOSED -> {
                    // close_notify from the peer: answer with ours and treat it as the end of the stream
                    inboundClosed = true;
                    engine.closeOutbound();
                    handshake(engine.getHandshakeStatus());
                    return produced;
                }
            }
        }
    }

    /** A TLS 1.2 peer asked for a second handshake: say goodbye (close_notify) and fail the connection. */
    private void refuseRenegotiation() throws SSLException {
        engine.closeOutbound();
        throw new SSLException("TLS renegotiation refused");
    }

    /**
     * Drives the handshake (or a TLS 1.3 post-handshake exchange) as far as it can go now. Returns false when it
     * must wait for the socket to take our records.
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
                    if (pendingOut != null && status == HandshakeStatus.NEED_WRAP) {
                        return false; // flushPending continues once the socket drains
                    }
                }
                case FINISHED -> {
                    if (!handshakeDone) {
                        onHandshakeFinished();
                    }
                    return true;
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    return true; // keep unwrapping what we have; more will come
                }
                default -> {
                    // NOT_HANDSHAKING: an engine that skipped reporting FINISHED is done all the same
                    if (!handshakeDone && !inboundClosed && !engine.isOutboundDone()) {
                        onHandshakeFinished();
                    }
                    return true;
                }
            }
        }
    }

    /**
     * A client's engine: starts the handshake (the ClientHello goes out now) and runs {@code onDone} on the loop once
     * it has finished, when application bytes can be written. Loop only.
     */
    public void startClientHandshake(Runnable onDone) throws IOException {
        this.onHandshakeDone = onDone;
        engine.beginHandshake();
        handshake(engine.getHandshakeStatus());
    }

    private void onHandshakeFinished() {
        handshakeDone = true;
        Runnable done = onHandshakeDone;
        if (done != null) {
            onHandshakeDone = null;
            done.run();
        }
        SSLSession session = engine.getSession();
        tls13 = "TLSv1.3".equals(session.getProtocol());
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName name : ext.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    serverName = host.getAsciiName();
                }
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!handshakeDone || pendingOut != null) {
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
                if (r.getStatus() != SSLEngineResult.Status.OK
                        || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break;
                }
            }
            out.flip();
            if (!out.hasRemaining()) {
                break;
            }
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
        HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK) {
            handshake(hs); // the handshake was waiting for the socket
        }
        if (pendingOut == null && pendingIn != null) {
            wantRead.run(); // records that arrived meanwhile
        }
        return pendingOut == null;
    }

    @Override
    public void close() {
        if (released) {
            return;
        }
        try {
            boolean clean = pendingOut == null || flushPending();
            if (clean) {
                // close_notify (RFC 8446 §6.1); one try, the socket closes next. Never after a partly written
                // record, which would splice the alert into it.
                engine.closeOutbound();
                writeEngineOutputOnce();
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer may be gone already
        }
        abort();
    }

    @Override
    public void abort() {
        pendingIn = null;
        pendingOut = null;
        release();
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    /**
     * Closes both directions of the engine so it frees what it holds now rather than when collected (Conscrypt's
     * engine keeps native resources, file descriptors among them, until both are closed).
     */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        engine.closeOutbound();
        // An engine counts its outbound side as done only once its last records (close_notify, an alert) have
        // been taken out; they are dropped here, the socket is closing.
        ByteBuffer sink = netOut();
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                sink.clear();
                if (engine.wrap(EMPTY, sink).bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException ignored) {
            // nothing more to take out
        }
        if (!engine.isInboundDone()) {
            try {
                engine.closeInbound();
            } catch (SSLException expected) {
                // "inbound closed before close_notify": true, and irrelevant now
            }
        }
    }

    /** Wraps what the engine has to send with no application data (an alert, close_notify); one write, no retry. */
    private void writeEngineOutputOnce() throws IOException {
        ByteBuffer out = netOut();
        out.clear();
        engine.wrap(EMPTY, out);
        out.flip();
        channel.write(out);
    }

    /** One best-effort write of whatever the engine has to say after a failure (a fatal alert). */
    private void sendAlert() {
        try {
            if (pendingOut != null) {
                return;
            }
            writeEngineOutputOnce();
        } catch (IOException | RuntimeException ignored) {
            // the connection is being failed anyway
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
