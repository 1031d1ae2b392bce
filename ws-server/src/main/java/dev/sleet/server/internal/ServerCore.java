package dev.sleet.server.internal;

import dev.sleet.actor.ActorSystem;
import dev.sleet.handshake.HandshakeNegotiator;
import dev.sleet.server.Connection;
import dev.sleet.server.ListenerInfo;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.ServerMetrics;
import dev.sleet.server.WebSocketServer;
import dev.sleet.server.spi.Transport;
import dev.sleet.server.spi.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running server: its listener, event loops, actor system, connection registry and counters. Connections
 * reach shared services through it.
 */
public final class ServerCore implements WebSocketServer {
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
    private final AtomicInteger reserved = new AtomicInteger();
    private final AtomicInteger nextLoop = new AtomicInteger();
    /** Connection actors that have not finished (their onClose may still be pending). */
    final AtomicInteger liveActors = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
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
        ServerCore server = new ServerCore(config);
        for (EventLoop loop : server.loops) {
            loop.start();
        }
        CompletableFuture<Void> registered = new CompletableFuture<>();
        server.loops[0].execute(() -> {
            try {
                for (Listener l : server.listeners) {
                    server.loops[0].register(l.channel, SelectionKey.OP_ACCEPT, (key, ops) -> server.acceptAll(l));
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

    /** Runs on loop 0 when a listener is ready: accepts every pending connection and deals them out. */
    private void acceptAll(Listener listener) {
        for (int i = 0; i < 256 && accepting; i++) {
            SocketChannel ch;
            try {
                ch = listener.channel.accept();
            } catch (IOException e) {
                // EMFILE and friends: log and let the selector call again; never kill the loop.
                LOG.log(System.Logger.Level.WARNING, "accept failed: {0}", e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            EventLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                WsConnection conn = new WsConnection(this, loop, ch, listener.transport,
                        nodeIdBits() | ids.incrementAndGet());
                loop.execute(conn::register);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot set up an accepted connection: {0}", e.toString());
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // gone either way
                }
            }
        }
    }

    private long nodeIdBits() {
        return ((long) config.nodeId()) << 48;
    }

    /** Reserves a connection slot; false when at the limit (the upgrade is answered 503). */
    boolean tryReserve() {
        while (true) {
            int n = reserved.get();
            if (n >= config.maxConnections()) {
                return false;
            }
            if (reserved.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        reserved.decrementAndGet();
    }

    boolean isStopping() {
        return stopping.get();
    }

    void opened(WsConnection c) {
        connections.add(c);
        metrics.openConnections.increment();
    }

    void ended(WsConnection c) {
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
        return new ArrayList<>(connections);
    }

    @Override
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public ServerMetrics metrics() {
        long queued = 0;
        for (WsConnection c : connections) {
            queued += c.queuedBytes();
        }
        return metrics.snapshot(queued);
    }

    @Override
    public ActorSystem actorSystem() {
        return actors;
    }

    @Override
    public boolean shutdown(Duration timeout) {
        if (!stopping.compareAndSet(false, true)) {
            try {
                terminated.await(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return connections.isEmpty();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // 1. stop accepting
        accepting = false;
        CountDownLatch closedListener = new CountDownLatch(1);
        loops[0].execute(() -> {
            try {
                listeners.forEach(Listener::close);
            } finally {
                closedListener.countDown();
            }
        });
        awaitQuietly(closedListener, 2000);
        // 2. going away to everyone; connections still in their handshake are dropped
        for (WsConnection c : connections) {
            c.goingAway();
        }
        for (EventLoop loop : loops) {
            loop.execute(() -> WsConnection.dropHandshaking(loop));
        }
        // 3. wait for close handshakes
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            sleep(10);
        }
        boolean clean = connections.isEmpty();
        // 4. force what remains
        for (WsConnection c : connections) {
            c.forceClose();
        }
        long forceDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!connections.isEmpty() && System.nanoTime() < forceDeadline) {
            sleep(5);
        }
        // 5. let actors finish onClose, then stop loops and (if ours) the actor system
        long actorDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (liveActors.get() > 0 && System.nanoTime() < actorDeadline) {
            sleep(5);
        }
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
        terminated.countDown();
        return clean;
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
