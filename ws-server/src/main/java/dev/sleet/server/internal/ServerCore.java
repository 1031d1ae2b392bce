package dev.sleet.server.internal;

import dev.sleet.core.internal.EventLoop;
import dev.sleet.core.internal.Heartbeat;
import dev.sleet.core.internal.ConnectionFacade;
import dev.sleet.core.internal.ConnectionConfig;
import dev.sleet.core.internal.ConnectionHost;
import dev.sleet.core.internal.WsConnection;
import dev.sleet.core.internal.Metrics;

import dev.sleet.actor.ActorSystem;
import dev.sleet.handshake.HandshakeNegotiator;
import dev.sleet.core.Connection;
import dev.sleet.server.ListenerInfo;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.ServerMetrics;
import dev.sleet.server.WebSocketServer;
import dev.sleet.core.internal.jfr.SleetEvents;
import dev.sleet.server.spi.Transport;
import dev.sleet.server.spi.TransportConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running server: its listener, event loops, actor system, connection registry and counters. Connections
 * reach shared services through it.
 */
public final class ServerCore implements WebSocketServer, ConnectionHost {
    private static final System.Logger LOG = System.getLogger(ServerCore.class.getName());

    final ServerConfig config;
    final Metrics metrics = new Metrics();
    final ActorSystem actors;
    final HandshakeNegotiator negotiator;
    private final List<Listener> listeners = new ArrayList<>();
    private final boolean ownsActors;
    private final EventLoop[] loops;
    /** Open connections; a set keyed by identity (no boxed id per connection). */
    private final Set<WsConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    /** Connection slots taken at accept and given back when the socket closes. */
    private final AtomicInteger slots = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddressCounts = new ConcurrentHashMap<>();
    private final AtomicInteger nextLoop = new AtomicInteger();
    /** Connection actors that have not finished (their onClose may still be pending). */
    final AtomicInteger liveActors = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Completed when, after stopping began, the last socket closed / the last connection actor ended. */
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private final CompletableFuture<Void> actorsDone = new CompletableFuture<>();
    /** Completes with "clean" (every connection closed within the timeout) when the server has stopped. */
    private final CompletableFuture<Boolean> termination = new CompletableFuture<>();
    private final List<Acceptor> acceptors = new ArrayList<>();
    /** What every connection's heartbeat reads: the configured durations, and the shared timer wheel. */
    final Heartbeat.Shared heartbeatShared = Heartbeat.Shared.of(this, metrics);
    private volatile boolean accepting = true;

    private ServerCore(ServerConfig config) throws IOException {
        this.config = config;
        this.negotiator = Negotiation.negotiator(config);
        List<Transport> transports = new ArrayList<>();
        try {
            // A plain listener on port() unless TLS is configured without a separate TLS port.
            boolean tls = config.tls() != null;
            boolean plainToo = !tls || config.tlsPort() >= 0;
            String named = config.transport();
            if (plainToo) {
                String plainName = named != null && !isSecureName(named) ? named : null;
                Transport t = Transports.select(plainName, false).create(TransportConfig.plain());
                transports.add(t);
                listeners.add(Listener.bind(config.host(), config.port(), t));
            }
            if (tls) {
                String tlsName = named != null && isSecureName(named) ? named : null;
                Transport t = Transports.select(tlsName, true).create(new TransportConfig(config.tls()));
                transports.add(t);
                listeners.add(Listener.bind(config.host(), plainToo ? config.tlsPort() : config.port(), t));
            }
        } catch (IOException | RuntimeException e) {
            listeners.forEach(Listener::close);
            transports.forEach(Transport::close);
            throw e;
        }
        this.ownsActors = config.actorSystem() == null;
        this.actors = ownsActors
                ? ActorSystem.builder().name("sleet-actors").workers(config.workers()).build()
                : config.actorSystem();
        this.loops = new EventLoop[config.eventLoops()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop("sleet-io-" + i, (name, body) -> {
                Thread t = new Thread(body, name);
                t.setDaemon(false);
                return t;
            });
        }
    }

    /** True when {@code name} is a known secure transport (so a named TLS transport applies to the TLS port). */
    private static boolean isSecureName(String name) {
        return Transports.providers().stream().anyMatch(p -> p.name().equals(name) && p.secure());
    }

    /** Binds, starts the loops and begins accepting. */
    public static ServerCore start(ServerConfig config) throws IOException {
        SleetEvents.load(); // the event classes are loaded before descriptors can run out (EMFILE)
        ServerCore server = new ServerCore(config);
        for (EventLoop loop : server.loops) {
            loop.start();
        }
        CompletableFuture<Void> registered = new CompletableFuture<>();
        server.loops[0].execute(() -> {
            try {
                for (Listener l : server.listeners) {
                    Acceptor a = server.new Acceptor(l);
                    a.key = server.loops[0].register(l.channel, SelectionKey.OP_ACCEPT, a);
                    server.acceptors.add(a);
                }
                registered.complete(null);
            } catch (IOException e) {
                registered.completeExceptionally(e);
            }
        });
        try {
            registered.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.shutdown(Duration.ZERO);
            throw new IOException("cannot start accepting", e);
        }
        for (Listener l : server.listeners) {
            LOG.log(System.Logger.Level.INFO, "listening on {0} ({1}, {2} event loops)", l.address,
                    l.transport.name(), server.loops.length);
        }
        return server;
    }

    /**
     * A listener on loop 0. Accepting pauses for {@link #acceptBackoff()} when {@code accept} fails (descriptors ran
     * out: EMFILE, ENFILE) instead of spinning on a listener that stays ready; one log line per pause; open
     * connections keep working, and accepting resumes by itself.
     */
    private final class Acceptor implements EventLoop.Handler {
        final Listener listener;
        SelectionKey key;
        boolean paused;

        Acceptor(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void ready(SelectionKey k, int readyOps) {
            acceptAll(this);
        }

        @Override
        public void failed(Throwable t) {
            pause(t);
        }

        void pause(Throwable cause) {
            if (paused || !key.isValid()) {
                return;
            }
            paused = true;
            key.interestOps(0);
            LOG.log(System.Logger.Level.WARNING, "accept on {0} failed ({1}); pausing accepts for {2} ms",
                    listener.address, cause.toString(), acceptBackoff().toMillis());
            actors.timers().schedule(acceptBackoff(), () -> loops[0].execute(this, this::resume));
            SleetEvents.acceptPaused(listener.address, cause, acceptBackoff()); // after the resume is scheduled
        }

        void resume() {
            paused = false;
            if (accepting && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        }

        @Override
        public String toString() {
            return "Acceptor[" + listener.address + "]";
        }
    }

    /** Runs on loop 0 when a listener is ready: accepts every pending connection and deals them out. */
    private void acceptAll(Acceptor acceptor) {
        Listener listener = acceptor.listener;
        for (int i = 0; i < 256 && accepting; i++) {
            SocketChannel ch;
            try {
                ch = listener.channel.accept();
            } catch (IOException e) {
                acceptor.pause(e); // EMFILE and friends: never spin, never kill the loop
                return;
            }
            if (ch == null) {
                return;
            }
            InetSocketAddress remote;
            try {
                remote = (InetSocketAddress) ch.getRemoteAddress();
            } catch (IOException e) {
                closeQuietly(ch);
                continue;
            }
            if (!tryReserve(remote)) {
                refuse(ch, listener, remote);
                continue;
            }
            EventLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
            ServerWsConnection conn;
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                conn = new ServerWsConnection(this, loop, ch, listener.transport, nodeIdBits() | ids.incrementAndGet(),
                        remote);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot set up an accepted connection: {0}", e.toString());
                unreserve(remote);
                closeQuietly(ch);
                continue;
            }
            loop.execute(conn, conn::register);
        }
    }

    private static final ByteBuffer TOO_MANY = ByteBuffer.wrap(("HTTP/1.1 503 Service Unavailable\r\n"
            + "Connection: close\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\n"
            + "too many connections\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    /** Over a connection limit: a plain listener answers 503 in one non-blocking write; TLS just closes. */
    private void refuse(SocketChannel ch, Listener listener, InetSocketAddress remote) {
        metrics.rejectedHandshakes.increment();
        SleetEvents.handshakeRejected(0, remote, 503, "too many connections");
        if (!listener.transport.secure()) {
            try {
                ch.configureBlocking(false);
                ch.write(TOO_MANY.duplicate());
            } catch (IOException | RuntimeException ignored) {
                // best effort: the close says the rest
            }
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }

    private long nodeIdBits() {
        return ((long) config.nodeId()) << 48;
    }

    /**
     * Takes a connection slot at accept (handshaking sockets count): false at {@code maxConnections} or at the
     * per-address limit.
     */
    private boolean tryReserve(InetSocketAddress remote) {
        while (true) {
            int n = slots.get();
            if (n >= config.maxConnections()) {
                return false;
            }
            if (slots.compareAndSet(n, n + 1)) {
                break;
            }
        }
        int perAddress = perAddressLimit();
        if (perAddress > 0) {
            AtomicInteger count = perAddressCounts.computeIfAbsent(remote.getAddress(), a -> new AtomicInteger());
            if (count.incrementAndGet() > perAddress) {
                unreserve(remote);
                return false;
            }
        }
        return true;
    }

    private void unreserve(InetSocketAddress remote) {
        if (perAddressLimit() > 0) {
            perAddressCounts.computeIfPresent(remote.getAddress(), (a, c) -> c.decrementAndGet() <= 0 ? null : c);
        }
        if (slots.decrementAndGet() == 0 && stopping.get()) {
            allClosed.complete(null);
        }
    }

    /** A connection gave its slot back (loop, when it ended). */
    void release(ServerWsConnection c) {
        unreserve(c.slotAddress());
    }

    /**
     * A PROXY header named {@code client} behind {@code from} (the proxy, where the per-address count was taken at
     * accept): the count moves to the client, so the per-address limit counts clients, not the balancer. False,
     * with nothing moved, when the client already has {@code maxConnectionsPerAddress} sockets.
     */
    boolean movePerAddressCount(InetSocketAddress from, InetSocketAddress client) {
        int perAddress = perAddressLimit();
        if (perAddress <= 0 || from.getAddress().equals(client.getAddress())) {
            return true;
        }
        AtomicInteger count = perAddressCounts.computeIfAbsent(client.getAddress(), a -> new AtomicInteger());
        if (count.incrementAndGet() > perAddress) {
            perAddressCounts.computeIfPresent(client.getAddress(), (a, c) -> c.decrementAndGet() <= 0 ? null : c);
            return false;
        }
        perAddressCounts.computeIfPresent(from.getAddress(), (a, c) -> c.decrementAndGet() <= 0 ? null : c);
        return true;
    }

    /** Sockets held right now, handshaking ones included. */
    int slotsInUse() {
        return slots.get();
    }

    /** How long the handler's {@code onConnect} (or an HTTP handler) may take to decide. */
    Duration decisionTimeout() {
        return config.decisionTimeout();
    }

    private int perAddressLimit() {
        return config.maxConnectionsPerAddress();
    }

    private Duration acceptBackoff() {
        return config.acceptBackoff();
    }

    @Override
    public ConnectionConfig connectionConfig() {
        return config;
    }

    @Override
    public Metrics counters() {
        return metrics;
    }

    @Override
    public ActorSystem actors() {
        return actors;
    }

    @Override
    public Heartbeat.Shared heartbeatShared() {
        return heartbeatShared;
    }

    @Override
    public void actorStarted() {
        liveActors.incrementAndGet();
    }

    /** A connection actor finished. */
    @Override
    public void actorEnded() {
        if (liveActors.decrementAndGet() == 0 && stopping.get()) {
            actorsDone.complete(null);
        }
    }

    boolean isStopping() {
        return stopping.get();
    }

    @Override
    public void opened(WsConnection c) {
        connections.add(c);
        metrics.openConnections.increment();
    }

    @Override
    public void ended(WsConnection c) {
        if (connections.remove(c)) {
            metrics.openConnections.decrement();
        }
    }

    @Override
    public int port() {
        return listeners.get(0).address.getPort();
    }

    @Override
    public int tlsPort() {
        return listeners.stream().filter(l -> l.transport.secure()).mapToInt(l -> l.address.getPort()).findFirst()
                .orElse(-1);
    }

    @Override
    public InetSocketAddress address() {
        return listeners.get(0).address;
    }

    @Override
    public String transport() {
        return listeners.get(0).transport.name();
    }

    @Override
    public List<ListenerInfo> listeners() {
        return listeners.stream().map(Listener::info).toList();
    }

    @Override
    public void reloadTls(TlsConfig tls) {
        Listener secure = listeners.stream().filter(l -> l.transport.secure()).findFirst()
                .orElseThrow(() -> new IllegalStateException("this server has no TLS listener"));
        secure.transport.reload(new TransportConfig(tls));
        LOG.log(System.Logger.Level.INFO, "TLS material reloaded for {0}", secure.address);
    }

    @Override
    public List<Connection> connections() {
        List<Connection> list = new ArrayList<>(connections.size());
        for (WsConnection c : connections) {
            list.add(c.facade());
        }
        return list;
    }

    @Override
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public ServerMetrics metrics() {
        long queued = 0;
        for (WsConnection c : connections) {
            queued += c.facade().queuedBytes();
        }
        return snapshot(metrics, queued);
    }

    @Override
    public ActorSystem actorSystem() {
        return actors;
    }

    /**
     * From a thread the shutdown itself needs (an event loop, a worker or timer of the actor system, which run
     * handlers, HTTP handlers and timers), waiting would wait for itself: the shutdown starts and this returns
     * false at once; {@link #shutdownAsync(Duration)} tells how it ended.
     */
    @Override
    public boolean shutdown(Duration timeout) {
        CompletableFuture<Boolean> f = shutdownAsync(timeout).toCompletableFuture();
        if (isOwnThread(Thread.currentThread())) {
            return f.getNow(false);
        }
        try {
            return f.join();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public CompletionStage<Boolean> shutdownAsync(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive: " + timeout);
        }
        if (stopping.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                try {
                    termination.complete(stopInOrder(timeout));
                } catch (Throwable e) {
                    LOG.log(System.Logger.Level.ERROR, "shutdown failed", e);
                    termination.completeExceptionally(e);
                }
            }, "sleet-shutdown");
            t.setDaemon(false);
            t.start();
        }
        return termination.copy();
    }

    private boolean isOwnThread(Thread t) {
        for (EventLoop loop : loops) {
            if (loop.inLoop()) {
                return true;
            }
        }
        return actors.ownsThread(t) || "sleet-shutdown".equals(t.getName());
    }

    /** The phases of a shutdown, on its own thread; each waits on a signal, bounded, never polling. */
    private boolean stopInOrder(Duration timeout) {
        // 1. stop accepting
        accepting = false;
        awaitQuietly(onLoop(loops[0], () -> listeners.forEach(Listener::close)), 2000);
        // 2. going away to everyone; connections still in their handshake are dropped
        if (slots.get() == 0) {
            allClosed.complete(null);
        }
        for (WsConnection c : connections) {
            c.goingAway();
        }
        for (EventLoop loop : loops) {
            loop.execute(() -> WsConnection.dropHandshaking(loop));
        }
        // 3. wait for the close handshakes
        awaitQuietly(allClosed, timeout.toMillis());
        boolean clean = slots.get() == 0;
        // 4. force what remains
        if (!clean) {
            for (WsConnection c : connections) {
                c.forceClose();
            }
            for (EventLoop loop : loops) {
                loop.execute(() -> WsConnection.abortAll(loop));
            }
            awaitQuietly(allClosed, 2000);
        }
        // 5. let actors finish onClose, then stop (our own) actor system and the loops
        if (liveActors.get() == 0) {
            actorsDone.complete(null);
        }
        awaitQuietly(actorsDone, 5000);
        if (ownsActors) {
            actors.shutdown(Duration.ofSeconds(5));
        }
        for (EventLoop loop : loops) {
            try {
                loop.stop(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listeners.forEach(l -> l.transport.close());
        LOG.log(System.Logger.Level.INFO, "stopped {0} ({1})", address(), clean ? "clean" : "forced");
        return clean;
    }

    private static CompletableFuture<Void> onLoop(EventLoop loop, Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                task.run();
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        try {
            termination.get();
        } catch (java.util.concurrent.ExecutionException e) {
            // stopped, though not cleanly
        }
    }

    private static void awaitQuietly(CompletableFuture<?> f, long millis) {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the caller checks the state it waited for
        }
    }

    private static ServerMetrics snapshot(Metrics metrics, long queuedBytes) {
        return ServerMetrics.builder()
                .openConnections(metrics.openConnections.sum())
                .acceptedHandshakes(metrics.acceptedHandshakes.sum())
                .rejectedHandshakes(metrics.rejectedHandshakes.sum())
                .messagesIn(metrics.messagesIn.sum())
                .messagesOut(metrics.messagesOut.sum())
                .bytesIn(metrics.bytesIn.sum())
                .bytesOut(metrics.bytesOut.sum())
                .pingsSent(metrics.pingsSent.sum())
                .pongsReceived(metrics.pongsReceived.sum())
                .heartbeatTimeouts(metrics.heartbeatTimeouts.sum())
                .slowConsumerCloses(metrics.slowConsumerCloses.sum())
                .slowConsumerDrops(metrics.slowConsumerDrops.sum())
                .handlerCrashes(metrics.handlerCrashes.sum())
                .protocolErrors(metrics.protocolErrors.sum())
                .queuedBytes(queuedBytes)
                .build();
    }
}
