package dev.sleet.actor.internal;

import dev.sleet.actor.Actor;
import dev.sleet.actor.ActorRef;
import dev.sleet.actor.ExitReason;
import dev.sleet.actor.Signal;
import dev.sleet.actor.SpawnOptions;
import dev.sleet.actor.TellResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.jctools.queues.atomic.unpadded.MpscLinkedAtomicUnpaddedQueue;
import org.jctools.queues.atomic.unpadded.MpscUnboundedAtomicUnpaddedArrayQueue;

/**
 * One actor: its behaviour, its mailbox and the word that says whether it is scheduled. The cell is also the
 * actor's {@link ActorRef}.
 *
 * <h2>Scheduling</h2>
 * The {@link #state} word holds {@link #SCHEDULED}, {@link #CLOSED} and {@link #DEAD}. Whoever sets
 * {@code SCHEDULED} (one CAS) owns the actor's execution and hands it to the scheduler; the owner runs it and
 * clears the bit when the mailbox looks empty. The classic race (a sender enqueues just as the owner gives
 * up) is closed Dekker-style: the sender enqueues (a CAS on the queue's producer index) and then reads the
 * state; the owner clears the bit (a CAS) and then reads the queue's indices. At least one of them sees the
 * other, so a message is never stranded in an idle mailbox. The mailbox itself is made by the first sender (a CAS
 * on {@link #mailbox} before its enqueue), and the owner reads the field after its CAS, so the argument holds
 * for the first message too. The CAS on {@code state} and the run-queue
 * hand-off also order one turn's memory effects before the next turn's, whichever thread runs it.
 *
 * <p>A dead cell keeps {@code SCHEDULED} set forever, so that no sender ever schedules it again.
 *
 * <h2>Fields touched only by the owner</h2>
 * {@link #flags} and {@link #restarts} are plain: only the thread that holds {@code SCHEDULED} touches them.
 *
 * @param <M> the message type
 */
final class ActorCell<M> implements ActorRef<M> {

    /** Someone owns the actor's execution: it is queued or running. */
    static final int SCHEDULED = 0b001;
    /** The system is shutting down: refuse messages, handle those queued, then stop. */
    static final int CLOSED = 0b010;
    /** The actor has stopped (its {@code onStop} may still be running). Terminal. */
    static final int DEAD = 0b100;

    /** {@link #runBatch} gave the actor up: it is idle (or someone else scheduled it meanwhile). */
    static final int IDLE = 0;
    /** {@link #runBatch} used up its budget with work left; the caller still owns the actor. */
    static final int AGAIN = 1;
    /** {@link #runBatch} ended with the actor dead. */
    static final int DONE = 2;

    private static final byte STARTED = 0b001;
    private static final byte TRAP_EXITS = 0b010;
    private static final byte TERMINATED = 0b100;

    /**
     * Chunk of the unbounded mailbox: an actor that has had a message holds one chunk of this many slots; a busy
     * one allocates a new chunk every this many messages. An actor that never had one holds no mailbox at all.
     */
    static final int MAILBOX_CHUNK = Integer.getInteger("dev.sleet.actor.mailboxChunk", 8);

    private static final VarHandle STATE;
    private static final VarHandle MAILBOX;
    private static final VarHandle EXIT;
    private static final VarHandle SYSTEM_QUEUE;
    private static final VarHandle RELATIONS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ActorCell.class, "state", int.class);
            MAILBOX = l.findVarHandle(ActorCell.class, "mailbox", MpscUnboundedAtomicUnpaddedArrayQueue.class);
            EXIT = l.findVarHandle(ActorCell.class, "exit", ExitReason.class);
            SYSTEM_QUEUE = l.findVarHandle(ActorCell.class, "systemQueue", MpscLinkedAtomicUnpaddedQueue.class);
            RELATIONS = l.findVarHandle(ActorCell.class, "relations", Relations.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final LocalActorSystem system;
    private final long id;
    private final Actor<M> actor;
    private final SpawnOptions options;
    private final CellContext<M> context;
    /**
     * Created by the first sender (one CAS; a sender that loses the race uses the winner's), so that an actor
     * that is only spawned, or handed its first work at spawn, holds no queue. Never replaced once set.
     */
    private volatile MpscUnboundedAtomicUnpaddedArrayQueue<Object> mailbox;

    /** {@link #SCHEDULED} | {@link #CLOSED} | {@link #DEAD}. Born scheduled: the spawner runs onStart. */
    private volatile int state = SCHEDULED;
    /** A requested exit while alive; the final reason once {@link #DEAD}. First request wins. */
    private volatile ExitReason exit;
    /** Signals and exit notices, created on first use (most actors never get one). */
    private volatile MpscLinkedAtomicUnpaddedQueue<Object> systemQueue;
    /** Links and monitors, created on first use. */
    private volatile Relations relations;

    /** Owner-only: {@link #STARTED}, {@link #TRAP_EXITS}, {@link #TERMINATED}. */
    private byte flags;
    /** Owner-only: the current restart window, created on the first crash. */
    private RestartWindow restarts;

    /** Registry links, guarded by the registry stripe's monitor. */
    ActorCell<?> regPrev;
    ActorCell<?> regNext;

    ActorCell(LocalActorSystem system, long id, Actor<M> actor, SpawnOptions options) {
        this.system = system;
        this.id = id;
        this.actor = actor;
        this.options = options;
        this.context = new CellContext<>(this);
    }

    /** The mailbox, created by the first sender that needs it. */
    private MpscUnboundedAtomicUnpaddedArrayQueue<Object> createMailbox() {
        MpscUnboundedAtomicUnpaddedArrayQueue<Object> created = switch (options.mailbox()) {
            case SpawnOptions.Mailbox.Unbounded u -> new MpscUnboundedAtomicUnpaddedArrayQueue<>(MAILBOX_CHUNK);
            case SpawnOptions.Mailbox.Bounded b ->
                    new BoundedMailbox(Math.min(MAILBOX_CHUNK, chunkFor(b.capacity())), b.capacity(), b.policy());
        };
        // cas: one queue wins; a sender that lost reads the winner's (a volatile read after the failed CAS)
        return MAILBOX.compareAndSet(this, null, created) ? created : mailbox;
    }

    /** The power of two at or above {@code capacity}, at least 2 (JCTools' smallest chunk). */
    private static int chunkFor(int capacity) {
        return Math.max(2, Integer.highestOneBit(capacity - 1) << 1);
    }

    // ---------------------------------------------------------------------------------------- ActorRef

    @Override
    public TellResult tell(M message) {
        Objects.requireNonNull(message, "message");
        if ((state & (DEAD | CLOSED)) != 0 || !system.isRunning()) { // lv: stopped, or the system shuts down:
            return system.deadLetter();                                 // refused from the moment it begins
        }
        MpscUnboundedAtomicUnpaddedArrayQueue<Object> q = mailbox; // lv
        if (q == null) {
            q = createMailbox();
        }
        if (q instanceof BoundedMailbox b && !b.admit()) {
            return system.overflow(b.policy);
        }
        q.offer(message); // CAS on the producer index, then an ordered store of the element
        schedule();
        return TellResult.ENQUEUED;
    }

    @Override
    public boolean isAlive() {
        return (state & DEAD) == 0;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        String n = options.name();
        return n == null ? "actor" : n;
    }

    @Override
    public int mailboxSize() {
        MpscUnboundedAtomicUnpaddedArrayQueue<Object> q = mailbox;
        return q == null ? 0 : q.size();
    }

    @Override
    public void stop() {
        requestExit(ExitReason.NORMAL);
    }

    @Override
    public void kill(Object reason) {
        requestExit(new ExitReason.Killed(reason));
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return system.name() + "/" + name() + "#" + id;
    }

    // ---------------------------------------------------------------------------------------- scheduling

    /** Makes sure the actor will run: if nobody owns it, take it (one CAS) and hand it to its executor. */
    void schedule() {
        int s = state; // lv after the enqueue's CAS: the Dekker read (see the class comment)
        while ((s & SCHEDULED) == 0) {
            if (STATE.compareAndSet(this, s, s | SCHEDULED)) { // cas: one sender wins the right to dispatch
                dispatch();
                return;
            }
            s = state;
        }
    }

    /** Hands the (owned) actor to the dispatcher or to a fresh virtual thread. */
    void dispatch() {
        if (options.execution() == SpawnOptions.Execution.DISPATCHER) {
            system.scheduler.submit(this);
        } else {
            system.startVirtual(this);
        }
    }

    /** Virtual-thread execution: run turns until the actor goes idle or dies. */
    void runOnVirtualThread() {
        while (runBatch(null, system.config.batchSize()) == AGAIN) {
            Thread.interrupted(); // a handler's leftover interrupt must not fail the next message's blocking call
            Thread.yield(); // let other virtual threads on this carrier have a turn
        }
    }

    /**
     * Runs one turn of the actor: its start if pending, then up to {@code budget} signals and messages. Must
     * be called by the owner (the holder of {@code SCHEDULED}).
     *
     * @param worker the worker running it, for counting; {@code null} on a virtual thread
     * @param budget the most messages to handle
     * @return {@link #IDLE}, {@link #AGAIN} (still owned) or {@link #DONE}
     */
    int runBatch(Worker worker, int budget) {
        if ((flags & TERMINATED) != 0) {
            return DONE;
        }
        int handled = 0;
        try {
            if ((flags & STARTED) == 0) {
                flags |= STARTED;
                start();
                if ((flags & TERMINATED) != 0) {
                    return DONE;
                }
            }
            MpscUnboundedAtomicUnpaddedArrayQueue<Object> q = mailbox;
            for (;;) {
                ExitReason requested = exit; // lv: a stop asked from outside takes effect between messages
                if (requested != null) {
                    terminate(requested);
                    return DONE;
                }
                MpscLinkedAtomicUnpaddedQueue<Object> sq = systemQueue;
                Object sys = sq == null ? null : sq.relaxedPoll();
                if (sys != null) {
                    handled++;
                    onSystemMessage(sys);
                } else {
                    if (q == null && (q = mailbox) == null) { // lv: the first sender may have made it meanwhile
                        break;
                    }
                    Object m = q.poll();
                    if (m == null) {
                        break;
                    }
                    if (q instanceof BoundedMailbox b) {
                        b.release();
                    }
                    handled++;
                    deliver(m);
                }
                if ((flags & TERMINATED) != 0) {
                    return DONE;
                }
                if (--budget == 0) {
                    return AGAIN;
                }
            }
            if ((state & CLOSED) != 0) { // shutdown and nothing left to handle
                terminate(ExitReason.SHUTDOWN);
                return DONE;
            }
            return unschedule() ? IDLE : AGAIN;
        } finally {
            system.countProcessed(worker, handled);
        }
    }

    /**
     * Gives up ownership, then looks again for work that arrived meanwhile.
     *
     * @return {@code true} if the actor is now idle or owned by someone else; {@code false} if this caller
     *     took it back and must keep running it
     */
    private boolean unschedule() {
        int s;
        do {
            s = state;
        } while (!STATE.compareAndSet(this, s, s & ~SCHEDULED)); // cas: full fence before the re-check
        if (!hasWork()) {
            return true;
        }
        s = state;
        while ((s & SCHEDULED) == 0) {
            if (STATE.compareAndSet(this, s, s | SCHEDULED)) {
                return false; // ours again
            }
            s = state;
        }
        return true; // a sender scheduled it and dispatched it
    }

    private boolean hasWork() {
        MpscLinkedAtomicUnpaddedQueue<Object> sq = systemQueue;
        MpscUnboundedAtomicUnpaddedArrayQueue<Object> q = mailbox; // lv: after the caller's CAS on state
        return (q != null && hasPending(q))
                || exit != null
                || (state & CLOSED) != 0
                || (sq != null && !sq.isEmpty());
    }

    /**
     * Whether a sender has claimed a place in {@code q} that the consumer has not taken yet. Not
     * {@code q.isEmpty()}: JCTools computes that as {@code (consumerIndex - producerIndex) / 2 == 0}, which
     * calls the queue empty while a producer that is growing it by a chunk holds the producer index at an odd
     * value, before it publishes the final index with a plain ordered store. Taking that for "empty" would
     * strand the message in an idle mailbox. Any difference of the raw indices (both volatile reads after the
     * caller's CAS on {@code state}) is pending work.
     */
    static boolean hasPending(MpscUnboundedAtomicUnpaddedArrayQueue<?> q) {
        return q.lvProducerIndex() != q.lvConsumerIndex();
    }

    /** {@link #hasPending(MpscUnboundedAtomicUnpaddedArrayQueue)} for the padded queues (the timer's). */
    static boolean hasPending(MpscUnboundedAtomicArrayQueue<?> q) {
        return q.lvProducerIndex() != q.lvConsumerIndex();
    }

    // ---------------------------------------------------------------------------------------- handling

    private void start() {
        try {
            actor.onStart(context);
        } catch (Throwable t) {
            crashed(t);
        }
    }

    @SuppressWarnings("unchecked")
    private void deliver(Object message) {
        try {
            actor.onMessage(context, (M) message);
        } catch (Throwable t) {
            crashed(t);
        }
    }

    private void deliverSignal(Signal signal) {
        try {
            actor.onSignal(context, signal);
        } catch (Throwable t) {
            crashed(t);
        }
    }

    private void onSystemMessage(Object sys) {
        switch (sys) {
            case Signal.Terminated t -> {
                if (relationsRemove((ActorCell<?>) t.ref(), Relations.WATCHING)) {
                    deliverSignal(t);
                } // else: unwatched meanwhile
            }
            case Signal.Restarted r -> {
                if (relationsHas((ActorCell<?>) r.ref(), Relations.WATCHING)) {
                    deliverSignal(r);
                }
            }
            case LinkExit n -> {
                if (!relationsRemove(n.from(), Relations.LINKED)) {
                    return; // unlinked meanwhile
                }
                if ((flags & TRAP_EXITS) != 0) {
                    deliverSignal(new Signal.Exit(n.from(), n.reason()));
                } else {
                    terminate(new ExitReason.LinkedExit(n.from(), n.reason()));
                }
            }
            default -> throw new IllegalStateException("unknown system message " + sys);
        }
    }

    /** A handler threw: report it, then restart (within limits) or stop. */
    private void crashed(Throwable thrown) {
        Throwable cause = thrown;
        for (;;) {
            system.reportCrash(this, cause);
            if ((flags & TERMINATED) != 0) {
                return; // thrown from onStop: already dead
            }
            if (!(options.supervision() instanceof SpawnOptions.Supervision.Restart policy)
                    || exit != null
                    || !allowRestart(policy)) {
                terminate(new ExitReason.Crashed(cause));
                return;
            }
            system.countRestart();
            notifyRestart(cause);
            try {
                actor.onStart(context);
                return;
            } catch (Throwable again) {
                cause = again;
            }
        }
    }

    private boolean allowRestart(SpawnOptions.Supervision.Restart policy) {
        long now = System.nanoTime();
        RestartWindow w = restarts;
        if (w == null) {
            restarts = w = new RestartWindow(now);
        } else if (now - w.start > SystemConfig.saturatedNanos(policy.within())) {
            w.start = now;
            w.count = 0;
        }
        if (w.count >= policy.maxRestarts()) {
            return false;
        }
        w.count++;
        return true;
    }

    private void notifyRestart(Throwable cause) {
        Relations r = relations;
        if (r == null) {
            return;
        }
        Signal.Restarted signal = new Signal.Restarted(this, cause);
        for (ActorCell<?> watcher : r.watchers()) {
            watcher.sendSystem(signal);
        }
    }

    /**
     * Stops the actor, on its own execution context: refuse messages, run onStop, discard what is left, tell
     * watchers and links, leave the registry.
     */
    private void terminate(ExitReason reason) {
        flags |= TERMINATED;
        exit = reason; // the final reason, published by the CAS below
        int s;
        do {
            s = state;
        } while (!STATE.compareAndSet(this, s, s | DEAD | SCHEDULED)); // cas: senders now see DEAD
        try {
            actor.onStop(context, reason);
        } catch (Throwable t) {
            system.reportStopFailure(this, t);
        }
        long discarded = 0;
        MpscUnboundedAtomicUnpaddedArrayQueue<Object> q = mailbox;
        while (q != null && q.poll() != null) {
            discarded++;
        }
        MpscLinkedAtomicUnpaddedQueue<Object> sq = systemQueue;
        if (sq != null) {
            sq.clear();
        }
        Map<ActorCell<?>, Integer> peers = closeRelations();
        for (Map.Entry<ActorCell<?>, Integer> e : peers.entrySet()) {
            ActorCell<?> peer = e.getKey();
            int kinds = e.getValue();
            if ((kinds & Relations.WATCHED_BY) != 0) {
                peer.sendSystem(new Signal.Terminated(this, reason));
            }
            if ((kinds & Relations.LINKED) != 0) {
                peer.sendSystem(new LinkExit(this, reason));
            }
            if ((kinds & Relations.WATCHING) != 0) {
                peer.relationsRemove(this, Relations.WATCHED_BY); // let a long-lived target forget us
            }
        }
        system.actorStopped(this, discarded);
    }

    /** Enqueues a signal or exit notice and makes sure the actor runs. Dropped if the actor is dead. */
    void sendSystem(Object message) {
        if ((state & DEAD) != 0) {
            return;
        }
        MpscLinkedAtomicUnpaddedQueue<Object> sq = systemQueue;
        if (sq == null) {
            MpscLinkedAtomicUnpaddedQueue<Object> created = new MpscLinkedAtomicUnpaddedQueue<>();
            sq = SYSTEM_QUEUE.compareAndSet(this, null, created) ? created : systemQueue;
        }
        sq.offer(message);
        schedule();
    }

    /** Asks the actor to stop with {@code reason} after its current message. First request wins. */
    void requestExit(ExitReason reason) {
        if ((state & DEAD) != 0) {
            return;
        }
        if (EXIT.compareAndSet(this, null, reason)) { // cas: the first reason wins
            schedule();
        }
    }

    /** Shutdown: refuse new messages, handle those queued, then stop with {@link ExitReason#SHUTDOWN}. */
    void close() {
        int s;
        do {
            s = state;
            if ((s & (DEAD | CLOSED)) != 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED));
        schedule();
    }

    /** The final exit reason; only meaningful once the actor is dead. */
    ExitReason exitReason() {
        return exit;
    }

    // ---------------------------------------------------------------------------------------- relations

    void setTrapExits(boolean trap) {
        flags = (byte) (trap ? flags | TRAP_EXITS : flags & ~TRAP_EXITS);
    }

    boolean trapsExits() {
        return (flags & TRAP_EXITS) != 0;
    }

    void watch(ActorCell<?> target) {
        if (!relationsAdd(target, Relations.WATCHING)) {
            return; // this actor is dying
        }
        if (!target.relationsAdd(this, Relations.WATCHED_BY)) { // already dead: its reason is final
            sendSystem(new Signal.Terminated(target, target.exitReason()));
        }
    }

    void unwatch(ActorCell<?> target) {
        relationsRemove(target, Relations.WATCHING);
        target.relationsRemove(this, Relations.WATCHED_BY);
    }

    void link(ActorCell<?> peer) {
        if (!relationsAdd(peer, Relations.LINKED)) {
            return;
        }
        if (!peer.relationsAdd(this, Relations.LINKED)) {
            sendSystem(new LinkExit(peer, peer.exitReason()));
        }
    }

    void unlink(ActorCell<?> peer) {
        relationsRemove(peer, Relations.LINKED);
        peer.relationsRemove(this, Relations.LINKED);
    }

    /** @return {@code false} if this actor is dead */
    private boolean relationsAdd(ActorCell<?> peer, int kind) {
        Relations r = relations;
        if (r == null) {
            if ((state & DEAD) != 0) {
                return false; // cheap early answer; the dead holder below settles races
            }
            Relations created = new Relations();
            r = RELATIONS.compareAndSet(this, null, created) ? created : relations;
        }
        return r.add(peer, kind);
    }

    private boolean relationsRemove(ActorCell<?> peer, int kind) {
        Relations r = relations;
        return r != null && r.remove(peer, kind);
    }

    private boolean relationsHas(ActorCell<?> peer, int kind) {
        Relations r = relations;
        return r != null && r.has(peer, kind);
    }

    private Map<ActorCell<?>, Integer> closeRelations() {
        for (;;) {
            Relations r = relations;
            if (r != null) {
                return r.close();
            }
            if (RELATIONS.compareAndSet(this, null, Relations.DEAD)) { // cas: adders now find a dead holder
                return Map.of();
            }
        }
    }

    /** A linked actor's exit, on its way to this actor's system queue. */
    record LinkExit(ActorCell<?> from, ExitReason reason) {
    }

    /** Owner-only restart accounting: a fixed window opened by the first crash in it. */
    private static final class RestartWindow {
        long start;
        int count;

        RestartWindow(long start) {
            this.start = start;
        }
    }
}
