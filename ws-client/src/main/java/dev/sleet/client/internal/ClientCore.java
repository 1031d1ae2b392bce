package dev.sleet.client.internal;

import dev.sleet.actor.ActorSystem;
import dev.sleet.actor.Cancellable;
import dev.sleet.client.ConnectFailedException;
import dev.sleet.client.ConnectOptions;
import dev.sleet.client.ConnectTimeoutException;
import dev.sleet.client.UnresolvedHostException;
import dev.sleet.client.UpgradeFailedException;
import dev.sleet.handshake.ClientHandshakeException;
import dev.sleet.client.WebSocketClient;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.internal.ConnectionConfig;
import dev.sleet.core.internal.ConnectionHost;
import dev.sleet.core.internal.EventLoop;
import dev.sleet.core.internal.Heartbeat;
import dev.sleet.core.internal.Metrics;
import dev.sleet.core.internal.WsConnection;
import dev.sleet.core.spi.ClientTlsProvider;
import java.util.ServiceLoader;
import dev.sleet.handshake.ClientHandshake;
import dev.sleet.handshake.spi.ClientExtensionProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A running client: its event loops and actor system (shared by all its connections), its counters and the set of
 * its connections. Connecting: DNS on a virtual thread, TCP connect on a loop ({@code OP_CONNECT}, each of the
 * host's addresses in turn until one accepts, all bounded by {@code connectTimeout}), then a
 * {@link ClientWsConnection} takes the socket.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code connections}, {@code liveActors}, {@code ids}, {@code nextLoop}, {@code closing}</td>
 *       <td>any</td><td>any</td><td>concurrent set / atomics</td></tr>
 *   <tr><td>{@code sslContext}</td><td>the first {@code wss} connect</td><td>loops</td><td>volatile, idempotent</td></tr>
 * </table>
 */
public final class ClientCore implements WebSocketClient, ConnectionHost {
    private static final System.Logger LOG = System.getLogger(ClientCore.class.getName());

    private final ClientConfig config;
    private final Metrics metrics = new Metrics();
    private final ActorSystem actors;
    private final EventLoop[] loops;
    private final Heartbeat.Shared heartbeatShared;
    private final Set<ClientWsConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openCount = new AtomicInteger();
    private final AtomicInteger liveActors = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile SSLContext sslContext;
    private final ClientTlsProvider tlsProvider;
    /** Completed, once closing, when the last connection is released / the last actor ended. */
    private final CompletableFuture<Void> allReleased = new CompletableFuture<>();
    private final CompletableFuture<Void> actorsDone = new CompletableFuture<>();
    /** Completed when {@link #close} has finished every phase. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private ClientCore(ClientConfig config) {
        this.config = config;
        this.sslContext = config.sslContext();
        this.tlsProvider = chooseTls(config);
        this.actors = ActorSystem.builder().name("sleet-client-actors").workers(config.workers()).daemon(true).build();
        this.loops = new EventLoop[config.eventLoops()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop("sleet-client-io-" + i, (name, body) -> {
                Thread t = new Thread(body, name);
                t.setDaemon(true);
                return t;
            });
        }
        this.heartbeatShared = Heartbeat.Shared.of(this, metrics);
    }

    /** Builds and starts a client. */
    public static WebSocketClient start(ClientConfig config) {
        ClientCore core = new ClientCore(config);
        for (EventLoop loop : core.loops) {
            loop.start();
        }
        return core;
    }

    ClientConfig config() {
        return config;
    }

    SSLContext sslContext() throws IOException {
        SSLContext c = sslContext;
        if (c == null) {
            try {
                c = tlsProvider.newClientContext(config.keyManagers(), config.trustManagers());
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("cannot make a TLS context with " + tlsProvider.name() + ": " + e.getMessage(), e);
            }
            sslContext = c;
        }
        return c;
    }

    /** The provider named in the configuration, or the available one with the highest priority. */
    private static ClientTlsProvider chooseTls(ClientConfig config) {
        java.util.List<ClientTlsProvider> all = ServiceLoader.load(ClientTlsProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        if (config.tlsTransport() != null) {
            ClientTlsProvider named = all.stream().filter(p -> p.name().equals(config.tlsTransport())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("tlsTransport: no provider named "
                            + config.tlsTransport() + "; found " + all.stream().map(ClientTlsProvider::name).toList()));
            if (!named.isAvailable()) {
                throw new IllegalArgumentException("tlsTransport " + named.name() + " is not available: "
                        + named.availability());
            }
            return named;
        }
        return all.stream().filter(ClientTlsProvider::isAvailable)
                .max(java.util.Comparator.comparingInt(ClientTlsProvider::priority))
                .orElseThrow(() -> new IllegalStateException("no TLS provider available"));
    }

    @Override
    public String tlsTransport() {
        return config.sslContext() != null ? "custom" : tlsProvider.name();
    }

    @Override
    public CompletableFuture<Connection> connect(URI uri, ConnectOptions options, ConnectionHandler handler) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (closing.get()) {
            throw new IllegalStateException("the client is closed");
        }
        return connectFollowing(uri, uri, options, handler, options.maxRedirects());
    }

    /**
     * One connect, and on a redirect another to its {@code Location} while {@code redirectsLeft} allows and the
     * target is acceptable: the same origin as {@code first} (unless cross-origin redirects are allowed), never
     * from wss to ws. A redirect not followed fails the connect with the 3xx.
     */
    private CompletableFuture<Connection> connectFollowing(URI first, URI uri, ConnectOptions options,
            ConnectionHandler handler, int redirectsLeft) {
        CompletableFuture<Connection> attempt = connectOnce(uri, options, handler,
                options.reconnect() == null ? null : new Reconnector(this, uri, options, handler));
        if (redirectsLeft == 0) {
            return attempt;
        }
        return attempt.exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof UpgradeFailedException u && u.failure() == ClientHandshakeException.Failure.REDIRECT
                    && u.location().isPresent()) {
                URI next = redirectTarget(first, uri, u.location().get(), options.crossOriginRedirects());
                if (next != null) {
                    return connectFollowing(first, next, options, handler, redirectsLeft - 1);
                }
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** Where a redirect leads, as a ws/wss URI, or null when it may not be followed. */
    static URI redirectTarget(URI first, URI current, String location, boolean crossOrigin) {
        URI target;
        try {
            target = current.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(java.util.Locale.ROOT);
        scheme = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> null;
        };
        if (scheme == null || target.getHost() == null) {
            return null;
        }
        boolean firstSecure = first.getScheme().equalsIgnoreCase("wss");
        if (firstSecure && scheme.equals("ws")) {
            return null; // never from TLS to plain text
        }
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        try {
            target = new URI(scheme + "://" + target.getRawAuthority() + path
                    + (target.getRawQuery() != null ? "?" + target.getRawQuery() : "")); // the fragment is dropped
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        if (!crossOrigin && !(scheme.equalsIgnoreCase(first.getScheme())
                && target.getHost().equalsIgnoreCase(first.getHost()) && port(target) == port(first))) {
            return null;
        }
        return target;
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("wss") ? 443 : 80;
    }

    /** One connect to {@code uri}; {@code reconnector} (or null) takes over when the connection is lost later. */
    CompletableFuture<Connection> connectOnce(URI uri, ConnectOptions options, ConnectionHandler handler,
            Reconnector reconnector) {
        ClientHandshake.Builder b = ClientHandshake.builder(uri); // checks the scheme, host and port
        for (Map.Entry<String, String> h : options.headers()) {
            b.header(h.getKey(), h.getValue());
        }
        if (options.origin() != null) {
            b.origin(options.origin());
        }
        if (!options.subprotocols().isEmpty()) {
            b.subprotocols(options.subprotocols());
        }
        for (ClientExtensionProvider e : options.extensions()) {
            b.extension(e);
        }
        ClientHandshake handshake = b.build();
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        Thread.ofVirtual().name("sleet-client-dns").start(() -> resolveThenConnect(handshake, handler, connected,
                reconnector));
        return connected;
    }

    private void resolveThenConnect(ClientHandshake handshake, ConnectionHandler handler,
            CompletableFuture<Connection> connected, Reconnector reconnector) {
        String host = config.proxyHost() != null ? config.proxyHost() : handshake.host();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            connected.completeExceptionally(new UnresolvedHostException(host, e));
            return;
        }
        int port = config.proxyHost() != null ? config.proxyPort() : handshake.port();
        InetSocketAddress[] targets = new InetSocketAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            targets[i] = new InetSocketAddress(addresses[i], port);
        }
        EventLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
        Connector connector = new Connector(loop, targets, handshake, handler, connected, reconnector);
        loop.execute(connector, connector::start);
    }

    /**
     * One TCP connect in progress on a loop: {@code OP_CONNECT}, then the socket goes to a connection. A host with
     * several addresses is tried address by address, in the resolver's order, until one accepts; a refused or
     * unreachable address moves on to the next, and {@code connectTimeout} bounds all the attempts together. When
     * every address fails, the failure names the last one and carries the others' as suppressed exceptions.
     * Everything here runs on {@code loop} once {@link #start} has.
     */
    private final class Connector implements EventLoop.Handler {
        private final EventLoop loop;
        private final InetSocketAddress[] targets;
        private final ClientHandshake handshake;
        private final ConnectionHandler handler;
        private final CompletableFuture<Connection> connected;
        private final Reconnector reconnector;
        private int attempt;
        private SocketChannel channel;
        private InetSocketAddress target;
        private ConnectFailedException earlier;
        private Cancellable timer;
        private boolean done;

        Connector(EventLoop loop, InetSocketAddress[] targets, ClientHandshake handshake, ConnectionHandler handler,
                CompletableFuture<Connection> connected, Reconnector reconnector) {
            this.reconnector = reconnector;
            this.loop = loop;
            this.targets = targets;
            this.target = targets[0];
            this.handshake = handshake;
            this.handler = handler;
            this.connected = connected;
        }

        /** On the loop. */
        void start() {
            if (closing.get()) {
                fail(new ConnectFailedException(target, "the client is closing", null));
                return;
            }
            timer = actors.timers().schedule(config.connectTimeout(), () -> loop.execute(this, () -> {
                if (!done) {
                    fail(new ConnectTimeoutException(ConnectTimeoutException.Stage.CONNECT, config.connectTimeout()));
                }
            }));
            tryNext();
        }

        /** Starts the connect to {@code targets[attempt]}. */
        private void tryNext() {
            target = targets[attempt];
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                fail(new ConnectFailedException(target, "cannot open a socket", e));
                return;
            }
            boolean up;
            try {
                up = channel.connect(target);
                if (!up) {
                    loop.register(channel, SelectionKey.OP_CONNECT, this);
                }
            } catch (IOException e) {
                attemptFailed(e);
                return;
            }
            if (up) {
                handOver();
            }
        }

        @Override
        public void ready(SelectionKey key, int readyOps) {
            if (done || key.channel() != channel) {
                return; // finished, or the key of an address given up on
            }
            boolean up;
            try {
                up = channel.finishConnect();
            } catch (IOException e) {
                attemptFailed(e);
                return;
            }
            if (up) {
                handOver();
            }
        }

        /** TCP is up: a failure from here on fails the connect (the remaining addresses are not for it). */
        private void handOver() {
            try {
                connectedTcp();
            } catch (IOException e) {
                fail(new ConnectFailedException(target, "connect failed: " + e.getMessage(), e));
            }
        }

        /** The connect to {@code target} failed: the next address, or the whole connect fails. */
        private void attemptFailed(IOException e) {
            ConnectFailedException failure = new ConnectFailedException(target, "connect failed: " + e.getMessage(), e);
            if (earlier != null) {
                failure.addSuppressed(earlier);
            }
            if (attempt + 1 >= targets.length || closing.get()) {
                fail(failure);
                return;
            }
            earlier = failure;
            closeChannel();
            attempt++;
            tryNext();
        }

        private void connectedTcp() throws IOException {
            done = true;
            if (timer != null) {
                timer.cancel();
            }
            ClientWsConnection c = new ClientWsConnection(ClientCore.this, loop, channel,
                    ids.incrementAndGet(), target, handshake, handler, connected, reconnector);
            connections.add(c);
            c.register(); // takes over the selection key with OP_READ
        }

        private void fail(Exception e) {
            done = true;
            if (timer != null) {
                timer.cancel();
            }
            closeChannel();
            completeOffLoop(() -> connected.completeExceptionally(e));
        }

        private void closeChannel() {
            if (channel == null) {
                return;
            }
            try {
                channel.close(); // also cancels its key with the loop's selector
            } catch (IOException ignored) {
                // failing or moving on either way
            }
        }

        @Override
        public void failed(Throwable t) {
            fail(new ConnectFailedException(target, "connect failed: " + t, t));
        }
    }

    /** Completes a user-visible stage off the loop: user code chained to it must never run on an I/O thread. */
    void completeOffLoop(Runnable completion) {
        ForkJoinPool.commonPool().execute(completion);
    }

    boolean isClosing() {
        return closing.get();
    }

    /** A connection ended (loop). */
    void released(ClientWsConnection c) {
        connections.remove(c);
        if (closing.get() && connections.isEmpty()) {
            allReleased.complete(null);
        }
    }

    @Override
    public int openConnections() {
        return openCount.get();
    }

    @Override
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (closing.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                try {
                    closeInOrder(timeout);
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.ERROR, "closing the client failed", e);
                } finally {
                    closed.complete(null);
                }
            }, "sleet-client-close");
            t.setDaemon(true);
            t.start();
        }
        if (isOwnThread(Thread.currentThread())) {
            return; // a handler, timer or loop of this client: waiting would wait for itself
        }
        closed.join();
    }

    /** The client's own threads: its loops, its actor workers and timer, the closing thread. */
    private boolean isOwnThread(Thread t) {
        for (EventLoop loop : loops) {
            if (loop.inLoop()) {
                return true;
            }
        }
        return actors.ownsThread(t) || "sleet-client-close".equals(t.getName());
    }

    /** The phases of {@link #close}: 1001 to everyone, wait (bounded), drop the rest, stop actors then loops. */
    private void closeInOrder(Duration timeout) {
        for (ClientWsConnection c : connections) {
            c.goingAway();
        }
        if (connections.isEmpty()) {
            allReleased.complete(null);
        }
        if (liveActors.get() == 0) {
            actorsDone.complete(null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            await(allReleased, deadline);
            for (EventLoop loop : loops) {
                loop.execute(() -> WsConnection.abortAll(loop)); // what did not close in time is dropped
            }
            await(actorsDone, deadline);
            actors.shutdown(Duration.ofSeconds(1));
            for (EventLoop loop : loops) {
                loop.stop(TimeUnit.SECONDS.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(System.Logger.Level.WARNING, "interrupted while closing the client");
        }
    }

    private static void await(CompletableFuture<Void> f, long deadlineNanos) throws InterruptedException {
        try {
            f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // past the deadline: the next phase forces what is left
        }
    }

    // ConnectionHost

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

    @Override
    public void actorEnded() {
        if (liveActors.decrementAndGet() == 0 && closing.get()) {
            actorsDone.complete(null);
        }
    }

    @Override
    public void opened(WsConnection c) {
        openCount.incrementAndGet();
        metrics.openConnections.increment();
    }

    @Override
    public void ended(WsConnection c) {
        openCount.decrementAndGet();
        metrics.openConnections.decrement();
    }
}
