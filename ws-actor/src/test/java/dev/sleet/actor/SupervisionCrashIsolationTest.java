package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash isolation and supervision (ACTOR-01: a handler exception is isolated to that connection; ACTOR-05:
 * a handler crash still runs cleanup). A crash stops or restarts that actor alone; the workers and every
 * other actor keep running; watchers hear why.
 */
class SupervisionCrashIsolationTest {

    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.builder().name("crash").workers(2).build();
    }

    @AfterEach
    void stop() {
        assertTrue(system.shutdown(Duration.ofSeconds(5)).clean());
    }

    /** Watches one actor and records its signals. */
    private ActorRef<Object> watcher(ActorRef<?> target, Probe probe) throws InterruptedException {
        CountDownLatch watching = new CountDownLatch(1);
        ActorRef<Object> w = system.spawn(new Actor<>() {
            @Override
            public void onStart(ActorContext<Object> ctx) {
                ctx.watch(target);
                watching.countDown();
            }

            @Override
            public void onMessage(ActorContext<Object> ctx, Object message) {
            }

            @Override
            public void onSignal(ActorContext<Object> ctx, Signal signal) {
                probe.add(signal);
            }
        });
        assertTrue(watching.await(5, TimeUnit.SECONDS));
        return w;
    }

    @Test
    void aCrashStopsOnlyThatActorAndOthersKeepRunning() throws Exception {
        int bystanders = 50;
        AtomicInteger handled = new AtomicInteger();
        List<ActorRef<Integer>> others = new ArrayList<>();
        for (int i = 0; i < bystanders; i++) {
            others.add(system.spawn((ctx, m) -> handled.incrementAndGet()));
        }
        ActorRef<String> victim = system.spawn((ctx, m) -> {
            throw new IllegalArgumentException("bad frame " + m);
        });
        Probe probe = new Probe();
        watcher(victim, probe);

        for (int round = 0; round < 100; round++) {
            if (round == 50) {
                victim.tell("x");
            }
            for (ActorRef<Integer> o : others) {
                o.tell(round);
            }
        }
        Signal.Terminated t = probe.next(Signal.Terminated.class);
        assertSame(victim, t.ref());
        ExitReason.Crashed crashed = assertInstanceOf(ExitReason.Crashed.class, t.reason());
        assertEquals("bad frame x", crashed.cause().getMessage());
        Eventually.assertEventually(bystanders * 100, handled::get, "every bystander handled every message");
        others.forEach(o -> assertTrue(o.isAlive()));
        assertFalse(victim.isAlive());
        assertEquals(1, system.metrics().crashes());

        // the workers survived: new work still runs
        CountDownLatch after = new CountDownLatch(1);
        system.spawn((ctx, m) -> after.countDown()).tell("ping");
        assertTrue(after.await(5, TimeUnit.SECONDS));
    }

    @Test
    void errorsAreIsolatedToo() throws Exception {
        ActorRef<String> victim = system.spawn((ctx, m) -> {
            throw new StackOverflowError("deep");
        });
        Probe probe = new Probe();
        watcher(victim, probe);
        victim.tell("x");
        Signal.Terminated t = probe.next(Signal.Terminated.class);
        assertInstanceOf(StackOverflowError.class, ((ExitReason.Crashed) t.reason()).cause());
    }

    /** Counts starts and stops; crashes on "boom"; records other messages. */
    static final class Fragile implements Actor<String> {
        final Probe probe;
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        int state; // reset by onStart: a restart begins afresh

        Fragile(Probe probe) {
            this.probe = probe;
        }

        @Override
        public void onStart(ActorContext<String> ctx) {
            starts.incrementAndGet();
            state = 0;
        }

        @Override
        public void onMessage(ActorContext<String> ctx, String message) {
            if (message.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            state++;
            probe.add(message + "@" + state);
        }

        @Override
        public void onStop(ActorContext<String> ctx, ExitReason reason) {
            stops.incrementAndGet();
            probe.add(reason);
        }
    }

    @Test
    void restartPolicyRestartsInPlaceKeepsTheMailboxAndStopsBeyondTheLimit() throws Exception {
        Probe probe = new Probe();
        Fragile fragile = new Fragile(probe);
        ActorRef<String> ref = system.spawn(fragile,
                SpawnOptions.defaults().restart(2, Duration.ofMinutes(1)).name("fragile"));
        Probe signals = new Probe();
        watcher(ref, signals);

        ref.tell("a");
        ref.tell("boom");
        ref.tell("b"); // queued behind the crash: survives the restart
        probe.expect("a@1");
        probe.expect("b@1"); // state was reset by the restart's onStart
        Signal.Restarted restarted = signals.next(Signal.Restarted.class);
        assertSame(ref, restarted.ref());
        assertEquals("boom", restarted.cause().getMessage());
        assertTrue(ref.isAlive());

        ref.tell("boom"); // second restart: still within the limit
        ref.tell("c");
        probe.expect("c@1");
        signals.next(Signal.Restarted.class);

        ref.tell("boom"); // third crash within the window: stop
        ref.tell("never");
        ExitReason.Crashed crashed = probe.next(ExitReason.Crashed.class);
        assertEquals("boom", crashed.cause().getMessage());
        Signal.Terminated t = signals.next(Signal.Terminated.class);
        assertSame(crashed, t.reason());
        probe.expectNothing(Duration.ofMillis(100));
        assertEquals(3, fragile.starts.get(), "the first start and two restarts");
        assertEquals(1, fragile.stops.get(), "onStop once, only at the final stop");
        assertEquals(3, system.metrics().crashes());
        assertEquals(2, system.metrics().restarts());
    }

    @Test
    void restartWindowOpensAgainAfterItElapses() throws Exception {
        Probe probe = new Probe();
        Fragile fragile = new Fragile(probe);
        ActorRef<String> ref = system.spawn(fragile, SpawnOptions.defaults().restart(1, Duration.ofMillis(500)));
        ref.tell("boom");
        ref.tell("a");
        probe.expect("a@1");
        Thread.sleep(600); // the window of the first crash has closed
        ref.tell("boom");
        ref.tell("b");
        probe.expect("b@1");
        assertTrue(ref.isAlive());
        assertEquals(3, fragile.starts.get());
        ref.tell("boom"); // second crash in the new window: over the limit of 1
        probe.next(ExitReason.Crashed.class);
    }

    @Test
    void crashInOnStartIsSupervisedLikeAnyOther() throws Exception {
        Probe probe = new Probe();
        AtomicInteger attempts = new AtomicInteger();
        ActorRef<String> ref = system.spawn(new Actor<String>() {
            @Override
            public void onStart(ActorContext<String> ctx) {
                if (attempts.incrementAndGet() < 3) {
                    throw new IllegalStateException("not ready " + attempts.get());
                }
            }

            @Override
            public void onMessage(ActorContext<String> ctx, String message) {
                probe.add(message);
            }
        }, SpawnOptions.defaults().restart(5, Duration.ofMinutes(1)));
        ref.tell("hello");
        probe.expect("hello");
        assertEquals(3, attempts.get());
        assertEquals(2, system.metrics().restarts());
    }

    @Test
    void onStartThatAlwaysThrowsEndsAtTheLimitWithoutRecursion() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> ref = system.spawn(new Actor<String>() {
            @Override
            public void onStart(ActorContext<String> ctx) {
                throw new IllegalStateException("never ready");
            }

            @Override
            public void onMessage(ActorContext<String> ctx, String message) {
            }

            @Override
            public void onStop(ActorContext<String> ctx, ExitReason reason) {
                probe.add(reason);
            }
        }, SpawnOptions.defaults().restart(200, Duration.ofMinutes(1)));
        ExitReason.Crashed c = probe.next(ExitReason.Crashed.class);
        assertEquals("never ready", c.cause().getMessage());
        assertFalse(ref.isAlive());
        assertEquals(201, system.metrics().crashes());
    }

    @Test
    void killIsNeverAnsweredWithARestart() throws Exception {
        Probe probe = new Probe();
        Fragile fragile = new Fragile(probe);
        ActorRef<String> ref = system.spawn(fragile, SpawnOptions.defaults().restart(5, Duration.ofMinutes(1)));
        ref.kill("admin");
        assertEquals(new ExitReason.Killed("admin"), probe.next());
        assertEquals(1, fragile.starts.get());
    }

    @Test
    void onStopThatThrowsStillStopsTheActorAndTellsWatchers() throws Exception {
        ActorRef<String> ref = system.spawn(new Actor<String>() {
            @Override
            public void onMessage(ActorContext<String> ctx, String message) {
                ctx.stop();
            }

            @Override
            public void onStop(ActorContext<String> ctx, ExitReason reason) {
                throw new IllegalStateException("cleanup failed");
            }
        });
        Probe signals = new Probe();
        watcher(ref, signals);
        ref.tell("stop");
        Signal.Terminated t = signals.next(Signal.Terminated.class);
        assertSame(ExitReason.NORMAL, t.reason());
        assertFalse(ref.isAlive());
        assertEquals(1, system.metrics().crashes());
    }
}
