package dev.sleet.rooms.redis.internal;

import dev.sleet.rooms.spi.Backplane.Receiver;
import dev.sleet.rooms.spi.RemoteBroadcast;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The backplane's engine: one thread ("the worker") owns the Redis connections (a {@link Transport}: one
 * standalone Redis, or a Redis Cluster with sharded pub/sub) and every write to Redis. The {@code Backplane}
 * calls, which may come from any thread and from inside {@code Rooms}' per-room locks, only record intent and
 * wake the worker:
 *
 * <ul>
 *   <li>broadcasts go into a bounded outbox; the worker numbers them per room, publishes a batch and flushes the
 *       connection once per batch;
 *   <li>subscriptions are a desired set ({@code interest}); the worker subscribes or unsubscribes to match it,
 *       so a quick leave-and-join of the last member still ends subscribed;
 *   <li>presence lives in memory ({@code localPresence}, the truth for this node) and is written through to
 *       Redis; after a reconnect, or when a heartbeat finds the node's hash gone, the worker rewrites it whole.
 * </ul>
 *
 * Lettuce's own reconnection is off: a dropped link fails what was in flight (counted), and the worker
 * reconnects with backoff, resubscribes to every desired room and rewrites presence before it reports the link
 * up again. Messages arrive on Lettuce's I/O thread, which hands them to the receiver.
 */
public final class Link {
    private static final System.Logger LOG = System.getLogger("dev.sleet.rooms.redis.RedisBackplane");
    private static final long INITIAL_BACKOFF_MS = 50;
    private static final int PUBLISH_BATCH = 1024;
    private static final int MAX_PUBLISHER_ROOMS = 100_000;
    private static final int SUBSCRIBE_CHUNK = 512;
    private static final long REMIND_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long MISS_LOG_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAINTAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Settings settings;
    private final Names names;
    private final byte[] nodeBytes;
    private final ClientResources resources;
    private final Transport transport;
    private final Thread worker;

    // Intent, written by any thread.
    private final ArrayBlockingQueue<RemoteBroadcast> outbox;
    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
    private final Set<String> interest = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, ConcurrentHashMap<Long, Map<String, String>>> localPresence =
            new ConcurrentHashMap<>();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicBoolean idCollisionWarned = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong lastMissLog =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - MISS_LOG_NANOS);
    private volatile Receiver receiver;
    private volatile boolean closing;
    private volatile boolean cleanClose;

    // Link state. 'up' is read by any thread; the rest is the worker's unless marked volatile.
    private volatile boolean up;
    private volatile boolean dropped;
    private volatile String dropReason;
    private volatile String lastError;
    private volatile Transport cmd; // the transport while open, else null
    private long nextMaintainNanos;
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, String> roomByChannel = new ConcurrentHashMap<>();
    private volatile boolean resubscribeAll;
    private long nextAttemptNanos;
    private long backoffMs = INITIAL_BACKOFF_MS;
    private long nextHeartbeatNanos;
    private volatile int heartbeatFailures;
    private boolean everConnected;
    private long outageStartNanos = System.nanoTime();
    private long lostAtOutageStart;
    private long lastReminderNanos = System.nanoTime();
    private final HashMap<String, long[]> publishSeq = new HashMap<>();
    private long epoch = ThreadLocalRandom.current().nextLong();
    private volatile int lease = -1;
    private final List<CompletableFuture<Integer>> pendingClaims = new ArrayList<>();
    private final SequenceTracker tracker = new SequenceTracker();

    // Counters.
    private final LongAdder published = new LongAdder();
    private final LongAdder lostDisconnected = new LongAdder();
    private final LongAdder lostQueueFull = new LongAdder();
    private final LongAdder lostFailed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder missed = new LongAdder();
    private final LongAdder repeats = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder subscribes = new LongAdder();
    private final LongAdder unsubscribes = new LongAdder();
    private final LongAdder outages = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder outageMillis = new LongAdder();
    private final LongAdder presenceWrites = new LongAdder();
    private final LongAdder presenceResyncs = new LongAdder();
    private final LongAdder presenceReadFailures = new LongAdder();
    private final LongAdder leaseConflicts = new LongAdder();

    private final BiConsumer<Long, Throwable> onPublished = (receivers, error) -> {
        if (error == null) {
            published.increment();
        } else {
            lostFailed.increment();
        }
    };

    private final Transport.Events events = new Transport.Events() {
        @Override
        public void message(byte[] channel, byte[] body) {
            onMessage(channel, body);
        }

        @Override
        public void dropped(String why) {
            if (cmd != null) {
                dropReason = why;
                dropped = true;
                up = false;
                wake();
            }
        }

        @Override
        public void wake() {
            Link.this.wake();
        }
    };

    /** Work for the worker other than broadcasts. */
    private sealed interface Op {
    }

    private record SubscriptionChanged(String room) implements Op {
    }

    private record Joined(String room, long id, Map<String, String> info) implements Op {
    }

    private record Left(String room, long id) implements Op {
    }

    private record Resync(String room) implements Op {
    }

    private record Read(String room, boolean count, CompletableFuture<Object> result) implements Op {
    }

    private record Claim(CompletableFuture<Integer> result) implements Op {
    }

    public Link(Settings settings) {
        this.settings = settings;
        this.names = new Names(settings.prefix(), settings.nodeId(), settings.cluster());
        this.nodeBytes = names.nodeBytes();
        this.outbox = new ArrayBlockingQueue<>(settings.outboxCapacity());
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(false) // the worker reconnects itself, and nothing in flight is replayed
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .pingBeforeActivateConnection(true)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()));
        if (settings.trustedCertificates() != null) {
            options.sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(settings.trustedCertificates().toFile()).build());
        }
        this.transport = settings.cluster()
                ? new ClusterTransport(resources, options.build(), settings, settings.seeds(), events)
                : new StandaloneTransport(resources, options.build(), settings.standaloneUri(), settings.nodeId(),
                        events);
        this.worker = Thread.ofPlatform().daemon().name("sleet-redis-" + settings.nodeId()).unstarted(this::run);
        worker.start();
    }

    public String nodeId() {
        return names.node();
    }

    public void start(Receiver receiver) {
        this.receiver = receiver;
    }

    public boolean isUp() {
        return up;
    }

    public String lastError() {
        return lastError;
    }

    public boolean awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!up) {
            if (System.nanoTime() - deadline >= 0 || closing) {
                return up;
            }
            Thread.sleep(5);
        }
        return true;
    }

    // ---- Backplane calls: record intent, wake the worker, never wait ------------------------------------

    public void publish(RemoteBroadcast b) {
        if (!up || closing) {
            lostDisconnected.increment(); // served locally by Rooms; counted here as not sent to the others
            return;
        }
        if (!outbox.offer(b)) {
            lostQueueFull.increment();
            return;
        }
        wake();
    }

    public void subscribe(String room) {
        interest.add(room);
        ops.add(new SubscriptionChanged(room));
        wake();
    }

    public void unsubscribe(String room) {
        interest.remove(room);
        ops.add(new SubscriptionChanged(room));
        wake();
    }

    public void memberJoined(String room, long id, Map<String, String> info) {
        localPresence.computeIfAbsent(room, k -> new ConcurrentHashMap<>()).put(id, info);
        ops.add(new Joined(room, id, info));
        wake();
    }

    public void memberLeft(String room, long id) {
        localPresence.computeIfPresent(room, (k, members) -> {
            members.remove(id);
            return members.isEmpty() ? null : members;
        });
        ops.add(new Left(room, id));
        wake();
    }

    // ---- Presence reads ------------------------------------------------------------------------------------

    public CompletionStage<Map<Long, Map<String, String>>> presenceAsync(String room) {
        CompletableFuture<Object> remote = read(room, false);
        return remote.handle((res, err) -> {
            Map<Long, Map<String, String>> out = new HashMap<>();
            if (err != null) {
                presenceReadFailures.increment();
            } else {
                decodePresence(res, out);
            }
            Map<Long, Map<String, String>> local = localPresence.getOrDefault(room, new ConcurrentHashMap<>());
            for (Long id : local.keySet()) {
                if (out.containsKey(id) && idCollisionWarned.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "Redis backplane {0}: connection id {1} is in use on another node too; "
                            + "give every server its own WebSocketServer.Builder.nodeId (claimNodeNumber hands out "
                            + "free ones), or broadcastExcept and presence mix connections up", names.node(),
                            Long.toString(id));
                }
            }
            out.putAll(local); // this node's truth
            return Collections.unmodifiableMap(out);
        });
    }

    public Map<Long, Map<String, String>> presence(String room) {
        return presenceAsync(room).toCompletableFuture().join();
    }

    public CompletionStage<OptionalLong> countAsync(String room) {
        return read(room, true).handle((res, err) -> {
            if (err != null || !(res instanceof Long n)) {
                presenceReadFailures.increment();
                return OptionalLong.empty();
            }
            return OptionalLong.of(n + localPresence.getOrDefault(room, new ConcurrentHashMap<>()).size());
        });
    }

    public OptionalLong count(String room) {
        return countAsync(room).toCompletableFuture().join();
    }

    private CompletableFuture<Object> read(String room, boolean count) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (!up || closing) {
            f.completeExceptionally(new IllegalStateException("not connected to Redis"));
            return f;
        }
        ops.add(new Read(room, count, f));
        wake();
        return f.orTimeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void decodePresence(Object res, Map<Long, Map<String, String>> out) {
        if (!(res instanceof List<?> flat)) {
            return;
        }
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (!(flat.get(i + 1) instanceof List<?> fields)) {
                continue;
            }
            for (int j = 0; j + 1 < fields.size(); j += 2) {
                if (fields.get(j) instanceof byte[] idBytes && fields.get(j + 1) instanceof byte[] infoBytes) {
                    Map<String, String> info = PresenceInfo.decode(infoBytes);
                    try {
                        long id = Long.parseLong(new String(idBytes, StandardCharsets.US_ASCII));
                        if (info != null) {
                            out.put(id, info);
                            continue;
                        }
                    } catch (NumberFormatException e) {
                        // counted below
                    }
                    malformed.increment();
                }
            }
        }
    }

    // ---- Node numbers --------------------------------------------------------------------------------------

    public synchronized int claimNodeNumber(Duration timeout) throws InterruptedException {
        if (lease > 0) {
            return lease;
        }
        CompletableFuture<Integer> f = new CompletableFuture<>();
        ops.add(new Claim(f));
        wake();
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new IllegalStateException("could not claim a node number from Redis at " + settings.endpoint()
                    + " within " + timeout + (lastError != null ? " (" + lastError + ")" : ""));
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not claim a node number: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    // ---- Receiving -----------------------------------------------------------------------------------------

    private void onMessage(byte[] channel, byte[] body) {
        if (Wire.isFrom(body, nodeBytes)) {
            return; // our own broadcast coming back: Rooms already served the local members
        }
        String[] why = new String[1];
        Wire.Decoded d = Wire.decode(body, why);
        if (d == null) {
            malformed.increment();
            LOG.log(Level.DEBUG, "ignored a message that is not a Sleet broadcast ({0})", why[0]);
            return;
        }
        String room = roomByChannel.get(Names.key(channel));
        if (room == null) {
            return; // unsubscribed meanwhile: no local members left to serve
        }
        long[] gap = {0};
        if (tracker.accept(room, d.origin(), d.epoch(), d.seq(), gap) == SequenceTracker.Verdict.REPEAT) {
            repeats.increment();
            return;
        }
        if (gap[0] > 0) {
            missed.add(gap[0]);
            long now = System.nanoTime();
            long last = lastMissLog.get();
            if (now - last >= MISS_LOG_NANOS && lastMissLog.compareAndSet(last, now)) { // one line per 5 s at most
                LOG.log(Level.WARNING, "Redis backplane {0}: missed {1} broadcast(s) from {2} in a room ({3} in all "
                        + "so far); Redis pub/sub keeps nothing while a subscriber is away", names.node(),
                        Long.toString(gap[0]), d.origin(), Long.toString(missed.sum()));
            }
        }
        received.increment();
        Receiver r = receiver;
        if (r != null) {
            try {
                r.deliver(new RemoteBroadcast(room, d.text(), d.payload(), d.exceptId(), d.origin()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "delivering a remote broadcast failed", e);
            }
        }
    }

    // ---- The worker ----------------------------------------------------------------------------------------

    private void wake() {
        if (signalled.compareAndSet(false, true)) {
            LockSupport.unpark(worker);
        }
    }

    private void run() {
        try {
            while (!closing) {
                long now = System.nanoTime();
                if (cmd == null) {
                    if (now - nextAttemptNanos >= 0) {
                        tryConnect();
                    }
                } else if (dropped || !cmd.isOpen()) {
                    lose(dropReason != null ? dropReason : "the connection closed");
                    continue;
                } else if (now - nextMaintainNanos >= 0) {
                    nextMaintainNanos = now + MAINTAIN_NANOS;
                    if (cmd.maintain()) {
                        for (String room : localPresence.keySet()) {
                            ops.add(new Resync(room)); // a promoted replica may lack the last writes
                        }
                    }
                }
                boolean busy = drainOps();
                busy |= drainOutbox();
                if (cmd != null && now - nextHeartbeatNanos >= 0) {
                    heartbeat();
                }
                if (cmd != null) {
                    cmd.flush();
                } else if (now - lastReminderNanos >= REMIND_NANOS) {
                    lastReminderNanos = now;
                    LOG.log(Level.WARNING, "Redis backplane {0}: {1} still unreachable after {2} s ({3}); {4} "
                            + "broadcast(s) to other nodes lost so far", names.node(), settings.endpoint(),
                            Long.toString(TimeUnit.NANOSECONDS.toSeconds(now - outageStartNanos)), lastError,
                            Long.toString(lost()));
                }
                if (!busy) {
                    idle();
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "Redis backplane " + names.node() + " stopped on an unexpected error", t);
            up = false;
        } finally {
            shutdown();
        }
    }

    private void idle() {
        signalled.set(false);
        if (!ops.isEmpty() || !outbox.isEmpty() || closing) {
            return;
        }
        long now = System.nanoTime();
        long until = cmd != null ? Math.min(nextHeartbeatNanos, settings.cluster() ? nextMaintainNanos
                : nextHeartbeatNanos) : nextAttemptNanos;
        long wait = Math.max(until - now, 0);
        if (cmd == null) {
            wait = Math.min(wait, REMIND_NANOS);
        }
        LockSupport.parkNanos(this, Math.max(wait, 100_000));
    }

    private void tryConnect() {
        try {
            dropped = false;
            dropReason = null;
            transport.open();
            cmd = transport;
            heartbeatFailures = 0;

            subscribed.clear();
            resubscribeAll = false;
            List<CompletionStage<?>> pending = new ArrayList<>(subscribeRooms(new ArrayList<>(interest)));
            for (String room : localPresence.keySet()) {
                pending.add(resync(room));
            }
            if (lease > 0) {
                pending.add(renewLease());
            }
            transport.flush();
            if (!settings.cluster()) {
                awaitAll(pending);
            }
            // In a cluster, one shard being down must not keep the others from serving: the transport places
            // subscriptions by itself as shards come and go, and a presence write that failed on a dead shard is
            // redone when a heartbeat finds the hash missing there.

            nextHeartbeatNanos = System.nanoTime() + heartbeatNanos();
            backoffMs = INITIAL_BACKOFF_MS;
            lastError = null;
            if (dropped) {
                throw new IllegalStateException(dropReason);
            }
            up = true;
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNanos);
            if (everConnected) {
                reconnects.increment();
                outageMillis.add(ms);
                long lostMeanwhile = lost() - lostAtOutageStart;
                LOG.log(lostMeanwhile > 0 ? Level.WARNING : Level.INFO, "Redis backplane {0}: reconnected to {1} "
                        + "after {2} ms; {3} broadcast(s) to other nodes were lost meanwhile; resubscribed to {4} "
                        + "room(s), presence rewritten",
                        names.node(), settings.endpoint(), Long.toString(ms), Long.toString(lostMeanwhile),
                        Integer.toString(subscribed.size()));
            } else {
                everConnected = true;
                LOG.log(Level.INFO, "Redis backplane {0}: connected to {1}", names.node(), settings.endpoint());
            }
            for (CompletableFuture<Integer> f : pendingClaims) {
                claim(f);
            }
            pendingClaims.clear();
        } catch (Exception e) {
            cmd = null;
            transport.close();
            String first = lastError;
            lastError = describe(e);
            if (first == null) {
                LOG.log(Level.WARNING, "Redis backplane {0}: cannot reach {1} ({2}); local delivery continues; "
                        + "retrying", names.node(), settings.endpoint(), lastError);
            } else {
                LOG.log(Level.DEBUG, "Redis backplane {0}: still cannot reach {1} ({2})", names.node(),
                        settings.endpoint(), lastError);
            }
            nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
            backoffMs = Math.min(backoffMs * 2, settings.maxReconnectDelay().toMillis());
        }
    }

    /** The link dropped: count the outage, fail what waits, close both connections, reconnect soon. */
    private void lose(String why) {
        up = false;
        outages.increment();
        outageStartNanos = System.nanoTime();
        lastReminderNanos = outageStartNanos;
        lostAtOutageStart = lost();
        lastError = why;
        LOG.log(Level.WARNING, "Redis backplane {0}: lost its connection to {1} ({2}); local delivery continues, "
                + "broadcasts to other nodes are counted as lost until it is back", names.node(),
                settings.endpoint(), why);
        cmd = null;
        transport.close();
        subscribed.clear();
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INITIAL_BACKOFF_MS);
        backoffMs = INITIAL_BACKOFF_MS * 2;
    }

    private boolean drainOps() {
        boolean any = false;
        List<String> toSubscribe = new ArrayList<>();
        List<String> toUnsubscribe = new ArrayList<>();
        if (resubscribeAll && cmd != null) {
            resubscribeAll = false;
            subscribed.clear();
            toSubscribe.addAll(interest);
        }
        Op op;
        while ((op = ops.poll()) != null) {
            any = true;
            switch (op) {
                case SubscriptionChanged c -> {
                    if (cmd == null) {
                        break; // the reconnect subscribes to everything wanted
                    }
                    boolean want = interest.contains(c.room());
                    boolean have = subscribed.contains(c.room());
                    if (want && !have) {
                        subscribed.add(c.room());
                        toSubscribe.add(c.room());
                    } else if (!want && have) {
                        subscribed.remove(c.room());
                        toUnsubscribe.add(c.room());
                    }
                }
                case Joined j -> {
                    if (cmd != null) {
                        presenceWrites.increment();
                        eval(Scripts.JOIN, ScriptOutputType.INTEGER,
                                new byte[][] {names.presence(j.room()), names.nodes(j.room())},
                                ttlArg(), nodeBytes, id(j.id()), PresenceInfo.encode(j.info()));
                    }
                }
                case Left l -> {
                    if (cmd != null) {
                        presenceWrites.increment();
                        eval(Scripts.LEAVE, ScriptOutputType.INTEGER,
                                new byte[][] {names.presence(l.room()), names.nodes(l.room())}, nodeBytes, id(l.id()));
                    }
                }
                case Resync r -> {
                    if (cmd != null) {
                        resync(r.room());
                    }
                }
                case Read r -> {
                    if (cmd == null) {
                        r.result().completeExceptionally(new IllegalStateException("not connected to Redis"));
                    } else {
                        eval(Scripts.READ, r.count() ? ScriptOutputType.INTEGER : ScriptOutputType.MULTI,
                                new byte[][] {names.nodes(r.room())}, names.presencePrefix(r.room()), nodeBytes,
                                names.roomSuffix(r.room()), ascii(r.count() ? "count" : "all"))
                                .whenComplete((v, e) -> {
                                    if (e != null) {
                                        r.result().completeExceptionally(e);
                                    } else {
                                        r.result().complete(v);
                                    }
                                });
                    }
                }
                case Claim c -> {
                    if (cmd == null) {
                        pendingClaims.add(c.result());
                    } else {
                        claim(c.result());
                    }
                }
            }
        }
        if (!toSubscribe.isEmpty()) {
            subscribeRooms(toSubscribe);
        }
        if (!toUnsubscribe.isEmpty()) {
            for (int i = 0; i < toUnsubscribe.size(); i += SUBSCRIBE_CHUNK) {
                List<String> chunk = toUnsubscribe.subList(i, Math.min(i + SUBSCRIBE_CHUNK, toUnsubscribe.size()));
                List<byte[]> channels = new ArrayList<>(chunk.size());
                for (String room : chunk) {
                    channels.addAll(List.of(channels(room)));
                }
                cmd.unsubscribe(channels.toArray(byte[][]::new));
                for (String room : chunk) {
                    if (!interest.contains(room)) {
                        for (byte[] channel : channels(room)) {
                            roomByChannel.remove(Names.key(channel));
                        }
                        tracker.forget(room);
                    }
                }
                unsubscribes.add(chunk.size());
            }
        }
        return any;
    }

    /** Subscribes in chunks; a failure makes the worker subscribe to everything again. */
    private List<CompletionStage<?>> subscribeRooms(List<String> rooms) {
        List<CompletionStage<?>> futures = new ArrayList<>();
        for (int i = 0; i < rooms.size(); i += SUBSCRIBE_CHUNK) {
            List<String> chunk = rooms.subList(i, Math.min(i + SUBSCRIBE_CHUNK, rooms.size()));
            List<byte[]> list = new ArrayList<>(chunk.size());
            for (String room : chunk) {
                for (byte[] channel : channels(room)) {
                    list.add(channel);
                    roomByChannel.put(Names.key(channel), room);
                }
                subscribed.add(room);
            }
            for (CompletionStage<?> f : cmd.subscribe(list.toArray(byte[][]::new))) {
                f.whenComplete((v, e) -> {
                    if (e != null && up && !settings.cluster()) { // a cluster transport places it again itself
                        LOG.log(Level.WARNING, "Redis backplane {0}: SUBSCRIBE failed ({1}); subscribing again",
                                names.node(), describe(e));
                        resubscribeAll = true;
                        wake();
                    }
                });
                futures.add(f);
            }
            subscribes.add(chunk.size());
        }
        return futures;
    }

    /**
     * Every channel of a room: one, or one per lane for a room split over several slots (cluster mode). Each
     * publisher uses one lane only, so per-publisher order and sequence numbers hold.
     */
    private byte[][] channels(String room) {
        int lanes = lanes(room);
        byte[][] out = new byte[lanes][];
        for (int i = 0; i < lanes; i++) {
            out[i] = names.channel(room, i, lanes);
        }
        return out;
    }

    private byte[] publishChannel(String room) {
        int lanes = lanes(room);
        return names.channel(room, lanes == 1 ? 0 : Math.floorMod(names.node().hashCode(), lanes), lanes);
    }

    private int lanes(String room) {
        return settings.cluster() ? settings.splitRooms().getOrDefault(room, 1) : 1;
    }

    private boolean drainOutbox() {
        int n = 0;
        RemoteBroadcast b;
        while (n < PUBLISH_BATCH && (b = outbox.poll()) != null) {
            n++;
            if (cmd == null) {
                lostDisconnected.increment(); // queued before the drop was noticed
                continue;
            }
            long[] seq = publishSeq.get(b.room());
            if (seq == null) {
                if (publishSeq.size() >= MAX_PUBLISHER_ROOMS) {
                    publishSeq.clear(); // a new epoch tells receivers to take new baselines
                    epoch = ThreadLocalRandom.current().nextLong();
                }
                seq = new long[1];
                publishSeq.put(b.room(), seq);
            }
            byte[] body = Wire.encode(b, nodeBytes, epoch, ++seq[0]);
            cmd.publish(publishChannel(b.room()), body).whenComplete(onPublished);
        }
        return n > 0;
    }

    private void heartbeat() {
        nextHeartbeatNanos = System.nanoTime() + heartbeatNanos();
        cmd.ping().whenComplete((pong, e) -> {
            if (e == null) {
                heartbeatFailures = 0;
            } else if (++heartbeatFailures >= 2) {
                dropReason = "Redis did not answer two heartbeats (" + describe(e) + ")";
                dropped = true;
                up = false;
                wake();
            }
        });
        for (Map.Entry<String, ConcurrentHashMap<Long, Map<String, String>>> e : localPresence.entrySet()) {
            String room = e.getKey();
            eval(Scripts.HEARTBEAT, ScriptOutputType.INTEGER, new byte[][] {names.presence(room), names.nodes(room)},
                    ttlArg(), nodeBytes, ascii(Integer.toString(e.getValue().size()))).whenComplete((alive, err) -> {
                        if (err == null && Long.valueOf(0).equals(alive)) {
                            // our hash was gone or wrong: Redis restarted, a replica took over without our last
                            // writes, or we were late
                            ops.add(new Resync(room));
                            wake();
                        }
                    });
        }
        if (lease > 0) {
            renewLease();
        }
    }

    private RedisFuture<Object> resync(String room) {
        presenceResyncs.increment();
        Map<Long, Map<String, String>> members = localPresence.getOrDefault(room, new ConcurrentHashMap<>());
        List<byte[]> args = new ArrayList<>();
        args.add(ttlArg());
        args.add(nodeBytes);
        members.forEach((id, info) -> {
            args.add(id(id));
            args.add(PresenceInfo.encode(info));
        });
        return eval(Scripts.RESYNC, ScriptOutputType.INTEGER, new byte[][] {names.presence(room), names.nodes(room)},
                args.toArray(byte[][]::new));
    }

    private void claim(CompletableFuture<Integer> result) {
        if (lease > 0) {
            result.complete(lease);
            return;
        }
        int start = ThreadLocalRandom.current().nextInt(1, 65536);
        // The lease prefix as KEYS[1] only routes the script to the slot of the leases in a cluster.
        eval(Scripts.CLAIM, ScriptOutputType.INTEGER, new byte[][] {names.leasePrefix()}, names.leasePrefix(),
                nodeBytes, ttlArg(),
                ascii(Integer.toString(start))).whenComplete((n, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else if (n instanceof Long number && number > 0) {
                        lease = number.intValue(); // kept even if the caller gave up: the next claim returns it
                        result.complete(lease);
                    } else {
                        result.completeExceptionally(new IllegalStateException("all 65535 node numbers are taken"));
                    }
                });
    }

    private RedisFuture<Object> renewLease() {
        int n = lease;
        RedisFuture<Object> f = eval(Scripts.RENEW, ScriptOutputType.INTEGER, new byte[][] {names.lease(n)},
                nodeBytes, ttlArg());
        f.whenComplete((r, e) -> {
            if (Long.valueOf(-1).equals(r)) {
                leaseConflicts.increment();
                LOG.log(Level.ERROR, "Redis backplane {0}: node number {1} is held by another node (its lease "
                        + "expired while this node was away); connection ids may collide", names.node(), Integer.toString(n));
            }
        });
        return f;
    }

    private RedisFuture<Object> eval(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return cmd.eval(script, type, keys, args);
    }

    private void awaitAll(List<? extends CompletionStage<?>> futures) throws Exception {
        long deadline = System.nanoTime() + settings.commandTimeout().toNanos();
        for (CompletionStage<?> f : futures) {
            long left = Math.max(deadline - System.nanoTime(), 1);
            f.toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
        }
    }

    // ---- Closing -------------------------------------------------------------------------------------------

    public void close(boolean clean) {
        if (closing) {
            return;
        }
        cleanClose = clean;
        closing = true;
        LockSupport.unpark(worker);
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        up = false;
        RemoteBroadcast b;
        while ((b = outbox.poll()) != null) {
            lostDisconnected.increment();
        }
        if (cleanClose && cmd != null && !dropped) {
            try {
                List<RedisFuture<?>> pending = new ArrayList<>();
                for (String room : localPresence.keySet()) {
                    pending.add(eval(Scripts.RESYNC, ScriptOutputType.INTEGER,
                            new byte[][] {names.presence(room), names.nodes(room)}, ttlArg(), nodeBytes));
                }
                if (lease > 0) {
                    pending.add(eval(Scripts.RELEASE, ScriptOutputType.INTEGER, new byte[][] {names.lease(lease)},
                            nodeBytes));
                }
                cmd.flush();
                awaitAll(pending);
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "Redis backplane {0}: clean-up on close failed ({1}); presence will expire",
                        names.node(), describe(e));
            }
        }
        for (CompletableFuture<Integer> f : pendingClaims) {
            f.completeExceptionally(new IllegalStateException("closed"));
        }
        Op op;
        while ((op = ops.poll()) != null) {
            if (op instanceof Read r) {
                r.result().completeExceptionally(new IllegalStateException("closed"));
            } else if (op instanceof Claim c) {
                c.result().completeExceptionally(new IllegalStateException("closed"));
            }
        }
        cmd = null; // the client closes the connections as it shuts down
        try {
            transport.shutdown();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Redis client shutdown: {0}", describe(e));
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    // ---- Helpers -------------------------------------------------------------------------------------------

    private long lost() {
        return lostDisconnected.sum() + lostQueueFull.sum() + lostFailed.sum();
    }

    private long heartbeatNanos() {
        return settings.presenceTtl().toNanos() / 3;
    }

    private byte[] ttlArg() {
        return ascii(Long.toString(settings.presenceTtl().toMillis()));
    }

    private static byte[] id(long id) {
        return ascii(Long.toString(id));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            if (c instanceof StatefulConnection<?, ?> s) {
                s.closeAsync();
            } else {
                c.close();
            }
        } catch (Exception e) {
            // closing a broken connection: nothing to add
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t && root.getMessage() != null) {
            msg = (msg == null ? "" : msg + ": ") + root.getMessage();
        }
        return t.getClass().getSimpleName() + (msg != null ? ": " + msg : "");
    }

    public Map<String, Long> metrics() {
        Map<String, Long> m = new TreeMap<>();
        m.put("published", published.sum());
        m.put("lost", lost());
        m.put("lostDisconnected", lostDisconnected.sum());
        m.put("lostQueueFull", lostQueueFull.sum());
        m.put("lostFailed", lostFailed.sum());
        m.put("received", received.sum());
        m.put("missed", missed.sum());
        m.put("repeats", repeats.sum());
        m.put("malformed", malformed.sum());
        m.put("subscribedRooms", (long) subscribed.size());
        m.put("subscribes", subscribes.sum());
        m.put("unsubscribes", unsubscribes.sum());
        m.put("connected", up ? 1L : 0L);
        m.put("outages", outages.sum());
        m.put("reconnects", reconnects.sum());
        m.put("outageMillis", outageMillis.sum());
        m.put("presenceWrites", presenceWrites.sum());
        m.put("presenceResyncs", presenceResyncs.sum());
        m.put("presenceReadFailures", presenceReadFailures.sum());
        m.put("leaseConflicts", leaseConflicts.sum());
        m.put("queued", (long) outbox.size());
        m.putAll(transport.metrics());
        return m;
    }

    @Override
    public String toString() {
        return names.node() + " @ " + settings.endpoint() + (up ? " (connected)" : " (not connected)");
    }
}
