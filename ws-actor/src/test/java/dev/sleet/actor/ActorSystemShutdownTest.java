package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Clean start and stop (the server's graceful shutdown stands on it): a shutdown handles what is queued,
 * runs onStop for every actor with {@link ExitReason.Shutdown}, refuses everything afterwards, and leaves no
 * thread behind. When time runs out it says so, with the numbers.
 */
class ActorSystemShutdownTest {
    /** A message told while the shutdown begins: handled if it got in, never counted. */
    private static final int LATE = -1;

    /** Platform threads whose names start with {@code prefix}. */
    private static List<String> threadsOf(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /**
     * Live platform threads, except the JDK's own virtual-thread machinery, which the first virtual thread of
     * the JVM starts and which outlives any actor system: its carrier threads ({@code CarrierThreads} group)
     * and its system helpers such as {@code VirtualThread-unblocker} ({@code InnocuousThreadGroup}).
     */
    private static java.util.Set<Thread> liveThreads() {
        java.util.Set<Thread> live = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ThreadGroup g = t.getThreadGroup();
            String group = g == null ? "" : g.getName();
            if (t.isAlive() && !group.equals("CarrierThreads") && !group.equals("InnocuousThreadGroup")) {
                live.add(t);
            }
        }
        return live;
    }

    @Test
    void shutdownDrainsRunsEveryOnStopAndLeavesNoThread() throws Exception {
        java.util.Set<Thread> liveBefore = liveThreads();
        assertEquals(List.of(), threadsOf("drain-"));
        ActorSystem system = ActorSystem.builder().name("drain").workers(3).build();
        system.timers().schedule(Duration.ofHours(1), () -> { }); // start the timer thread too
        assertEquals(4, threadsOf("drain-").size(), "3 workers and the timer: " + threadsOf("drain-"));

        int actors = 500;
        int perActor = 20;
        AtomicLong handled = new AtomicLong();
        Map<ExitReason, Integer> stops = new ConcurrentHashMap<>();
        CountDownLatch gate = new CountDownLatch(1);
        List<ActorRef<Integer>> refs = new ArrayList<>();
        for (int i = 0; i < actors; i++) {
            SpawnOptions opts = i % 10 == 0 ? SpawnOptions.defaults().virtualThreads() : SpawnOptions.defaults();
            refs.add(system.spawn(new Actor<Integer>() {
                @Override
                public void onMessage(ActorContext<Integer> ctx, Integer m) throws InterruptedException {
                    gate.await(); // hold everything so that mailboxes are full when the shutdown begins
                    if (m != LATE) {
                        handled.incrementAndGet();
                    }
                }

                @Override
                public void onStop(ActorContext<Integer> ctx, ExitReason reason) {
                    stops.merge(reason, 1, Integer::sum);
                }
            }, opts));
        }
        for (int m = 0; m < perActor; m++) {
            for (ActorRef<Integer> r : refs) {
                r.tell(m);
            }
        }
        CompletableFuture<ShutdownResult> pending = new CompletableFuture<>();
        Thread shutter = Thread.ofPlatform().name("test-shutter").start(
                () -> pending.complete(system.shutdown(Duration.ofSeconds(20))));
        Eventually.assertEventually(false, system::isRunning, "the shutdown has begun");
        assertThrows(IllegalStateException.class, () -> system.spawn((ctx, m) -> { }));
        // A tell is refused once the shutdown has closed the mailboxes, a moment after it began (see the disabled
        // tellIsRefusedFromTheMomentTheShutdownBegins); a LATE message let in before that is handled, not counted.
        Eventually.assertEventually(TellResult.DEAD, () -> refs.get(1).tell(LATE),
                "tell refused once the shutdown has closed the mailboxes");
        gate.countDown();

        ShutdownResult r = pending.get(30, TimeUnit.SECONDS);
        shutter.join();
        assertEquals(ShutdownResult.Outcome.DRAINED, r.outcome(), r.toString());
        assertTrue(r.clean());
        assertEquals(actors, r.actorsStopped());
        assertEquals((long) actors * perActor, handled.get(), "every queued message was handled");
        assertTrue(r.messagesHandled() >= (long) actors * perActor - actors,
                "drained messages counted: " + r);
        assertEquals(0, r.messagesDiscarded());
        assertEquals(0, r.threadsStillRunning());
        assertEquals(Map.of(ExitReason.SHUTDOWN, actors), stops, "onStop once each, reason Shutdown");

        refs.forEach(ref -> assertFalse(ref.isAlive()));
        assertEquals(TellResult.DEAD, refs.get(0).tell(1));
        assertEquals(0, system.metrics().liveActors());
        assertEquals(List.of(), threadsOf("drain-"), "no leaked platform thread");
        java.util.Set<Thread> leaked = liveThreads();
        leaked.removeAll(liveBefore);
        assertEquals(java.util.Set.of(), leaked, "platform threads started during the test and still alive");
        assertEquals(liveBefore.size(), liveThreads().size(), "live thread count back to where it was");
        assertSame(r, system.shutdown(Duration.ofSeconds(1)), "a second shutdown returns the first result");
    }

    /**
     * {@link ActorSystem#shutdown(Duration)} promises that "from the moment it begins ... tell answers DEAD", and
     * {@link ActorSystem#isRunning()} turns false when it begins. A tell made as soon as isRunning() is false must
     * therefore be refused, even while the mailboxes have not all been closed yet.
     */
    @Test
    void tellIsRefusedFromTheMomentTheShutdownBegins() throws Exception {
        ActorSystem system = ActorSystem.builder().name("refuse").workers(1).build();
        system.timers().schedule(Duration.ofHours(1), () -> { }); // a timer thread for the shutdown to stop
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        ActorRef<String> actor = system.spawn((ctx, m) -> {
            holding.countDown();
            gate.await();
        });
        actor.tell("hold"); // the shutdown has a mailbox to drain and waits for it
        assertTrue(holding.await(30, TimeUnit.SECONDS));
        CompletableFuture<ShutdownResult> pending = new CompletableFuture<>();
        Thread.ofPlatform().name("test-shutter").start(() -> pending.complete(system.shutdown(Duration.ofSeconds(30))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (system.isRunning() && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait(); // catch the moment it begins
        }
        TellResult late = actor.tell("late");
        gate.countDown();
        assertTrue(pending.get(60, TimeUnit.SECONDS).clean());
        assertEquals(TellResult.DEAD, late, "a tell made once isRunning() was false");
    }

    @Test
    void timeoutStopsBusyActorsWithoutTheirBacklogAndSaysSo() throws Exception {
        ActorSystem system = ActorSystem.builder().name("forced").workers(2).build();
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        ActorRef<Integer> slow = system.spawn(new Actor<Integer>() {
            @Override
            public void onMessage(ActorContext<Integer> ctx, Integer m) throws InterruptedException {
                Thread.sleep(2); // a slow consumer on a virtual thread
                handled.incrementAndGet();
            }

            @Override
            public void onStop(ActorContext<Integer> ctx, ExitReason reason) {
                assertSame(ExitReason.SHUTDOWN, reason);
                stops.incrementAndGet();
            }
        }, SpawnOptions.defaults().virtualThreads());
        for (int i = 0; i < 2_000; i++) {
            slow.tell(i);
        }
        ShutdownResult r = system.shutdown(Duration.ofMillis(100));
        assertEquals(ShutdownResult.Outcome.FORCED, r.outcome(), r.toString());
        assertEquals(1, r.actorsStopped());
        assertEquals(1, stops.get());
        assertEquals(2_000, handled.get() + r.messagesDiscarded(), "each message handled or discarded: " + r);
        assertTrue(r.messagesDiscarded() > 0, r.toString());
        assertEquals(0, r.threadsStillRunning());
        assertEquals(List.of(), threadsOf("forced-"));
    }

    @Test
    void aHandlerThatWillNotReturnMakesTheShutdownIncompleteNotHung() throws Exception {
        ActorSystem system = ActorSystem.builder().name("stuck").workers(1).build();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ActorRef<String> stuck = system.spawn((ctx, m) -> {
            entered.countDown();
            while (release.getCount() > 0) { // ignores interrupts: the worst kind of handler
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
        });
        stuck.tell("block");
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        // "not hung": the shutdown returns while the handler still holds its worker; a hung one fails the get
        CompletableFuture<ShutdownResult> pending = new CompletableFuture<>();
        Thread.ofPlatform().name("test-shutter").start(() -> pending.complete(system.shutdown(Duration.ofMillis(100))));
        ShutdownResult r = pending.get(60, TimeUnit.SECONDS); // the handler is released only below
        assertEquals(ShutdownResult.Outcome.INCOMPLETE, r.outcome(), r.toString());
        assertEquals(1, r.actorsStillRunning());
        assertEquals(1, r.threadsStillRunning());
        List<Thread> stuckThreads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("stuck-")) {
                stuckThreads.add(t);
            }
        }
        release.countDown(); // let the worker go so the test leaves no thread behind
        for (Thread t : stuckThreads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(List.of(), threadsOf("stuck-"));
    }

    @Test
    void shutdownFromInsideAnActorIsRefusedButTheAsyncFormWorks() throws Exception {
        ActorSystem system = ActorSystem.builder().name("inside").workers(1).build();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        CompletableFuture<Object> async = new CompletableFuture<>();
        ActorRef<String> actor = system.spawn((ctx, m) -> {
            try {
                ctx.system().shutdown(Duration.ofSeconds(1));
                outcome.complete("returned");
            } catch (IllegalStateException e) {
                outcome.complete(e);
            }
            ctx.system().shutdownAsync(Duration.ofSeconds(5))
                    .whenComplete((r, t) -> async.complete(r != null ? r : t));
        });
        actor.tell("go");
        Object first = outcome.get(5, TimeUnit.SECONDS);
        assertTrue(first instanceof IllegalStateException, String.valueOf(first));
        ShutdownResult r = (ShutdownResult) async.get(10, TimeUnit.SECONDS);
        assertTrue(r.clean(), r.toString());
        assertFalse(system.isRunning());
    }

    @Test
    void closeIsAShutdownWithTheConfiguredTimeout() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        ActorSystem kept;
        try (ActorSystem system = ActorSystem.builder().name("closing").workers(1)
                .closeTimeout(Duration.ofSeconds(2)).build()) {
            kept = system;
            system.spawn(new Actor<String>() {
                @Override
                public void onMessage(ActorContext<String> ctx, String message) {
                }

                @Override
                public void onStop(ActorContext<String> ctx, ExitReason reason) {
                    stops.incrementAndGet();
                }
            });
        }
        assertFalse(kept.isRunning());
        assertEquals(1, stops.get());
        assertEquals(List.of(), threadsOf("closing-"));
    }

    @Test
    void watchersHearShutdownExitsWhileTheSystemStops() throws Exception {
        ActorSystem system = ActorSystem.builder().name("watch-down").workers(2).build();
        ActorRef<String> target = system.spawn((ctx, m) -> { });
        Probe probe = new Probe();
        CountDownLatch watching = new CountDownLatch(1);
        system.spawn(new Actor<String>() {
            @Override
            public void onStart(ActorContext<String> ctx) {
                ctx.watch(target);
                watching.countDown();
            }

            @Override
            public void onMessage(ActorContext<String> ctx, String message) {
            }

            @Override
            public void onSignal(ActorContext<String> ctx, Signal signal) {
                probe.add(signal);
            }

            @Override
            public void onStop(ActorContext<String> ctx, ExitReason reason) {
                probe.add(reason);
            }
        });
        assertTrue(watching.await(5, TimeUnit.SECONDS));
        ShutdownResult r = system.shutdown(Duration.ofSeconds(5));
        assertTrue(r.clean(), r.toString());
        assertEquals(2, r.actorsStopped());
        // the watcher either heard the target's exit first, or stopped first itself; either way it stopped
        List<Object> events = new ArrayList<>();
        while (probe.size() > 0) {
            events.add(probe.next());
        }
        assertTrue(events.contains(ExitReason.SHUTDOWN), events.toString());
    }

    @Test
    void badTimeoutsAreRefused() {
        ActorSystem system = ActorSystem.builder().name("bad-timeout").workers(1).build();
        try {
            assertThrows(IllegalArgumentException.class, () -> system.shutdown(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> system.shutdown(Duration.ofSeconds(-1)));
            assertThrows(NullPointerException.class, () -> system.shutdown(null));
            assertTrue(system.isRunning(), "a refused shutdown does not begin");
        } finally {
            assertTrue(system.shutdown(Duration.ofSeconds(5)).clean());
        }
    }
}
