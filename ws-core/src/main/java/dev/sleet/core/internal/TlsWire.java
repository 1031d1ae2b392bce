package dev.sleet.core.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *
 * <p><b>Two writers.</b> Once the handshake is done, application bytes may be wrapped and written by the
 * connection's actor (its worker thread) as well as by the loop, never both at once: the {@link Flusher} hands the
 * write side to one of them. The loop also writes records of its own that do not come from the queue: the answer to a
 * TLS 1.3 KeyUpdate, a fatal alert, close_notify. Those may come up while the actor writes, so every write by the
 * actor and every such record of the loop's passes through {@code gate}: the actor holds it for one {@link #write}
 * call, the loop for one record of its own; a loop that finds the actor inside leaves its record for the next flush
 * ({@code wrapWanted}, written by whichever thread holds the write side next; the JDK's and Conscrypt's engines
 * put a pending handshake message ahead of application data in any case), and a close that finds it inside leaves
 * the engine to the actor, which releases it as it leaves.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code pendingIn}, {@code inboundClosed}, {@code tls13}, {@code serverName}, {@code onHandshakeDone},
 *       {@code released}</td><td>loop</td><td>loop</td><td>confined</td></tr>
 *   <tr><td>{@code pendingOut}</td><td>the holder of the write side (loop, or the actor inside {@code gate}); the
 *       loop's own records inside {@code gate}</td><td>the same</td>
 *       <td>handed over by the flusher's state CAS and {@code gate}</td></tr>
 *   <tr><td>{@code handshakeDone}</td><td>loop, once</td><td>any</td><td>volatile</td></tr>
 *   <tr><td>{@code gate}</td><td>the actor (FREE ⇄ ACTOR), loop (FREE ⇄ LOOP, any → SEALED)</td><td>any</td>
 *       <td>CAS</td></tr>
 *   <tr><td>{@code wrapWanted}</td><td>loop</td><td>any</td><td>volatile</td></tr>
 *   <tr><td>the engine</td><td colspan="2">unwrap: loop; wrap: the writer as above</td>
 *       <td>the engines lock themselves; the gate orders whole records on the socket</td></tr>
 * </table>
 */
public final class TlsWire implements Wire {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private static final int FREE = 0;
    /** The connection's actor is inside {@link #write}. */
    private static final int ACTOR = 1;
    /** The loop is writing a record of its own (a post-handshake message, an alert). */
    private static final int LOOP = 2;
    /** The wire is closing: nothing more is written by anyone but the loop's goodbye. */
    private static final int SEALED = 3;
    private static final VarHandle GATE;

    static {
        try {
            GATE = MethodHandles.lookup().findVarHandle(TlsWire.class, "gate", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Ciphertext made by an actor's worker thread (a fixed handful of platform threads): one buffer per worker. */
    private static final ThreadLocal<ByteBuffer> WORKER_NET_OUT = new ThreadLocal<>();

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final EventLoop loop;
    private final Runnable wantWrite;
    private final Runnable wantRead;
    private final Runnable wantFlush;
    private final int packetSize;
    private final int applicationSize;

    /** Ciphertext received but not yet unwrapped: a partial record, or whole ones that did not fit. */
    private ByteBuffer pendingIn;
    /** Ciphertext produced but not yet taken by the socket. */
    private ByteBuffer pendingOut;
    private volatile boolean handshakeDone;
    @SuppressWarnings("unused") // through GATE
    private volatile int gate = FREE;
    /** The loop has a record of its own to write and found the actor writing: the next flush writes it. */
    private volatile boolean wrapWanted;
    /** A client's: run once when the handshake finishes. */
    private Runnable onHandshakeDone;
    private boolean tls13;
    private boolean inboundClosed;
    private boolean released;
    private String serverName;

    /**
     * @param wantWrite  called on the loop when ciphertext waits for the socket (the connection should ask for
     *                   OP_WRITE)
     * @param wantRead   called when whole records wait in this wire after a write unblocked them (the connection
     *                   should read again even though the socket may have nothing new)
     * @param wantFlush  called on the loop when it has a record of its own to write and the actor is writing: the
     *                   connection should flush (the write side's next holder writes it)
     * @param clientMode the engine is a client's: its handshake starts with {@link #startClientHandshake}, not with
     *                   the peer's first record
     */
    TlsWire(SocketChannel channel, SSLEngine engine, EventLoop loop, Runnable wantWrite, Runnable wantRead,
            Runnable wantFlush, boolean clientMode) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        this.loop = loop;
        this.wantWrite = wantWrite;
        this.wantRead = wantRead;
        this.wantFlush = wantFlush;
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
                    if (!afterUnwrap(hs) || !net.hasRemaining()) {
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
                    afterUnwrap(engine.getHandshakeStatus());
                    return produced;
                }
            }
        }
    }

    /**
     * What an unwrap asked for, from the read path (loop). During the handshake nobody else writes; after it, a
     * record the engine wants to send (a KeyUpdate answer, our close_notify) is written only while the actor is not
     * writing, else left for the next flush.
     */
    private boolean afterUnwrap(HandshakeStatus hs) throws IOException {
        if (!handshakeDone || hs != HandshakeStatus.NEED_WRAP) {
            return handshake(hs);
        }
        if (!GATE.compareAndSet(this, FREE, LOOP)) {
            wrapWanted = true; // the actor is inside write (or the wire is closing): the next writer sends it
            wantFlush.run();
            return true;
        }
        try {
            return handshake(hs);
        } finally {
            GATE.compareAndSet(this, LOOP, FREE);
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
                    writeOrKeep(out, true);
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

    /**
     * A TLS wire takes writes from the actor once its handshake is done; the flusher keeps the loop and the actor from
     * writing at the same time, and {@code gate} keeps the loop's own records out of an actor's write.
     */
    @Override
    public boolean writableFromAnyThread() {
        return handshakeDone;
    }

    /**
     * Up to one full record's worth of plaintext (2^14 bytes, RFC 8446 §5.1) is wrapped by the actor; more is left to
     * the loop. Measured with pipelined echoes on Conscrypt (docs/benchmarks.md, "Issue 15, third pass"): 32 × 128 B
     * per turn cost 11-16 % less server CPU per message wrapped by the actor than by the loop, while 4 × 16 KiB per
     * turn cost about 20 % more (the loop, which read and unwrapped the messages, still has them in its core's cache).
     */
    static final int MAX_ACTOR_WRITE_BYTES = 16 * 1024;

    @Override
    public long maxActorWriteBytes() {
        return MAX_ACTOR_WRITE_BYTES;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (loop.inLoop()) {
            return wrapAndWrite(src, true);
        }
        if (!GATE.compareAndSet(this, FREE, ACTOR)) {
            return 0; // the loop is writing a record of its own, or the wire is closing: the loop takes over
        }
        try {
            return wrapAndWrite(src, false);
        } finally {
            if (!GATE.compareAndSet(this, ACTOR, FREE)) {
                releaseEngine(); // the wire was closed while this thread wrote: the engine was left to it
            }
        }
    }

    /** Wraps {@code src} into records and writes them; what the socket does not take is kept in pendingOut. */
    private int wrapAndWrite(ByteBuffer src, boolean onLoop) throws IOException {
        if (!handshakeDone || pendingOut != null) {
            return 0;
        }
        int consumed = 0;
        ByteBuffer out = onLoop ? netOut() : workerNetOut();
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
            writeOrKeep(out, onLoop);
        }
        return consumed;
    }

    /**
     * Writes {@code out}; whatever the socket does not take is kept for later and, on the loop, write interest is
     * requested (an actor that leaves bytes behind hands the write side to the loop, which asks for it then).
     */
    private void writeOrKeep(ByteBuffer out, boolean onLoop) throws IOException {
        if (pendingOut != null) {
            ByteBuffer merged = ByteBuffer.allocate(pendingOut.remaining() + out.remaining());
            merged.put(pendingOut).put(out).flip();
            pendingOut = merged;
        } else {
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    break;
                }
            }
            if (!out.hasRemaining()) {
                return;
            }
            pendingOut = ByteBuffer.allocate(out.remaining()).put(out).flip();
        }
        if (onLoop) {
            wantWrite.run();
        }
    }

    @Override
    public boolean hasPendingOutput() {
        return pendingOut != null || wrapWanted;
    }

    /**
     * Writes kept ciphertext and any record the engine still wants to send. The loop's work: on another thread (an
     * actor's write through a wire stacked on this one) it only says whether anything is left for the loop.
     */
    @Override
    public boolean flushPending() throws IOException {
        if (!loop.inLoop()) {
            return !hasPendingOutput();
        }
        if (pendingOut == null && !wrapWanted) {
            return true;
        }
        if (pendingOut != null) {
            while (pendingOut.hasRemaining()) {
                if (channel.write(pendingOut) == 0) {
                    return false;
                }
            }
            pendingOut = null;
        }
        wrapWanted = false; // the write side is the loop's now (the flusher's state): the actor is not inside write
        HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK) {
            handshake(hs); // the handshake was waiting for the socket, or a post-handshake answer for the writer
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
        boolean engineOurs = seal();
        if (engineOurs) {
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
        }
        shut(engineOurs);
    }

    @Override
    public void abort() {
        if (released) {
            return;
        }
        shut(seal());
    }

    /**
     * Closes the gate for good (loop, once): true when the loop has the engine to itself; false when the actor is
     * inside {@link #write}, which then releases the engine as it leaves (and its write fails on the closed socket).
     */
    private boolean seal() {
        released = true;
        return (int) GATE.getAndSet(this, SEALED) != ACTOR;
    }

    private void shut(boolean engineOurs) {
        pendingIn = null;
        if (engineOurs) {
            pendingOut = null;
            releaseEngine();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    /**
     * Closes both directions of the engine so it frees what it holds now rather than when collected (Conscrypt's
     * engine keeps native resources, file descriptors among them, until both are closed). Run once, by the loop or,
     * when the wire closed during its write, by the actor.
     */
    private void releaseEngine() {
        engine.closeOutbound();
        // An engine counts its outbound side as done only once its last records (close_notify, an alert) have
        // been taken out; they are dropped here, the socket is closing.
        ByteBuffer sink = loop.inLoop() ? netOut() : workerNetOut();
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

    /**
     * One best-effort write of whatever the engine has to say after a failure (a fatal alert), unless ciphertext is
     * kept back or the actor is writing (the alert would land inside its records).
     */
    private void sendAlert() {
        if (!GATE.compareAndSet(this, FREE, LOOP)) {
            return;
        }
        try {
            if (pendingOut == null) {
                writeEngineOutputOnce();
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is being failed anyway
        } finally {
            GATE.compareAndSet(this, LOOP, FREE);
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
            loop.tlsNetOut = ByteBuffer.allocateDirect(netOutSize());
        }
        return loop.tlsNetOut;
    }

    /** The calling worker's ciphertext buffer, made (or made larger, for an engine with bigger records) on first use. */
    private ByteBuffer workerNetOut() {
        ByteBuffer b = WORKER_NET_OUT.get();
        if (b == null || b.capacity() < netOutSize()) {
            b = ByteBuffer.allocateDirect(netOutSize());
            WORKER_NET_OUT.set(b);
        }
        return b;
    }

    /** Room for a staging buffer's worth of records: what one write wraps at most, plus two records' slack. */
    private int netOutSize() {
        return EventLoop.READ_BUFFER_SIZE + packetSize * 2;
    }
}
