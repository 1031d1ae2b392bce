package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The life cycle the server builds on (LIFE-04: {@code onClose} runs exactly once, whatever the cause, and the
 * server calls it from the connection actor's {@code onStop}): onStart before any message, onStop exactly
 * once after the last message for every way an actor can end, and a dead actor refuses messages.
 */
class ActorLifecycleCallbacksTest {

    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.builder().name("life").workers(2).build();
    }

    @AfterEach
    void stop() {
        assertTrue(system.shutdown(Duration.ofSeconds(5)).clean());
    }

    /** Records every callback into a probe. */
    static class Recorder implements Actor<String> {
        final Probe probe;
        final AtomicInteger stops = new AtomicInteger();

        Recorder(Probe probe) {
            this.probe = probe;
        }

        @Override
        public void onStart(ActorContext<String> ctx) throws Exception {
            probe.add("start");
        }

        @Override
        public void onMessage(ActorContext<String> ctx, String message) throws Exception {
            switch (message) {
                case "stop" -> ctx.stop();
                case "crash" -> throw new IllegalStateException("boom");
                case "block" -> {
                    probe.add("blocking");
                    Thread.sleep(100);
                }
                default -> probe.add("msg:" + message);
            }
        }

        @Override
        public void onStop(ActorContext<String> ctx, ExitReason reason) {
            stops.incrementAndGet();
            probe.add(reason);
        }
    }

    @Test
    void onStartRunsBeforeMessagesToldBeforeIt() throws Exception {
        Probe probe = new Probe();
        CountDownLatch gate = new CountDownLatch(1);
        ActorRef<String> ref = system.spawn(new Recorder(probe) {
            @Override
            public void onStart(ActorContext<String> ctx) throws Exception {
                gate.await(); // hold onStart while messages arrive
                super.onStart(ctx);
            }
        });
        ref.tell("a");
        ref.tell("b");
        gate.countDown();
        probe.expect("start");
        probe.expect("msg:a");
        probe.expect("msg:b");
    }

    @Test
    void ctxStopEndsAfterTheCurrentMessageAndRunsOnStopOnce() throws Exception {
        Probe probe = new Probe();
        Recorder r = new Recorder(probe);
        CountDownLatch gate = new CountDownLatch(1);
        ActorRef<String> ref = system.spawn(new Actor<String>() {
            @Override
            public void onMessage(ActorContext<String> ctx, String m) throws Exception {
                if (m.equals("first")) {
                    gate.await();
                }
                r.onMessage(ctx, m);
            }

            @Override
            public void onStop(ActorContext<String> ctx, ExitReason reason) {
                r.onStop(ctx, reason);
            }
        });
        ref.tell("first");
        ref.tell("stop");
        ref.tell("never");
        gate.countDown();
        probe.expect("msg:first");
        assertSame(ExitReason.NORMAL, probe.next());
        probe.expectNothing(Duration.ofMillis(100));
        assertEquals(1, r.stops.get());
        assertFalse(ref.isAlive());
        assertEquals(TellResult.DEAD, ref.tell("late"));
        assertTrue(system.metrics().deadLetters() >= 2, "'never' and 'late' are dead letters");
    }

    @Test
    void stopFromOutsideLetsTheCurrentMessageFinishAndDiscardsTheRest() throws Exception {
        Probe probe = new Probe();
        Recorder r = new Recorder(probe);
        ActorRef<String> ref = system.spawn(r);
        probe.expect("start");
        ref.tell("block");
        for (int i = 0; i < 10; i++) {
            ref.tell("queued-" + i);
        }
        probe.expect("blocking");
        ref.stop();
        ref.stop(); // idempotent
        assertInstanceOf(ExitReason.Normal.class, probe.next());
        probe.expectNothing(Duration.ofMillis(100));
        assertEquals(1, r.stops.get());
        assertEquals(0, ref.mailboxSize(), "the mailbox of a dead actor is emptied");
    }

    @Test
    void killCarriesItsReason() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> ref = system.spawn(new Recorder(probe));
        probe.expect("start");
        ref.kill("idle too long");
        ExitReason reason = probe.next(ExitReason.class);
        assertEquals(new ExitReason.Killed("idle too long"), reason);
        assertFalse(reason.isOrderly());
        assertThrows(NullPointerException.class, () -> ref.kill(null));
    }

    @Test
    void crashStopsWithTheCauseAndOnStopStillRuns() throws Exception {
        Probe probe = new Probe();
        Recorder r = new Recorder(probe);
        ActorRef<String> ref = system.spawn(r);
        probe.expect("start");
        ref.tell("crash");
        ref.tell("after");
        ExitReason.Crashed crashed = probe.next(ExitReason.Crashed.class);
        assertInstanceOf(IllegalStateException.class, crashed.cause());
        assertEquals("boom", crashed.cause().getMessage());
        probe.expectNothing(Duration.ofMillis(100));
        assertEquals(1, r.stops.get());
        assertFalse(ref.isAlive());
    }

    @Test
    void stopInsideOnStartSkipsMessagesButRunsOnStop() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> ref = system.spawn(new Recorder(probe) {
            @Override
            public void onStart(ActorContext<String> ctx) throws Exception {
                super.onStart(ctx);
                ctx.stop();
            }
        });
        ref.tell("x");
        probe.expect("start");
        assertSame(ExitReason.NORMAL, probe.next());
        probe.expectNothing(Duration.ofMillis(50));
    }

    @Test
    void tellTellsNullApart() {
        ActorRef<String> ref = system.spawn((ctx, m) -> { });
        assertThrows(NullPointerException.class, () -> ref.tell(null));
    }

    @Test
    void refsHaveIdsNamesAndReadableStrings() throws Exception {
        ActorRef<String> a = system.spawn((ctx, m) -> { }, SpawnOptions.defaults().name("conn-7"));
        ActorRef<String> b = system.spawn((ctx, m) -> { });
        assertTrue(a.id() != b.id());
        assertEquals("conn-7", a.name());
        assertEquals("actor", b.name());
        assertTrue(a.toString().contains("conn-7#" + a.id()), a.toString());
        assertTrue(a.isAlive());
        CountDownLatch seen = new CountDownLatch(1);
        ActorRef<String> self = system.spawn((ctx, m) -> {
            assertNotNull(ctx.self());
            assertSame(system, ctx.system());
            seen.countDown();
        });
        self.tell("who");
        assertTrue(seen.await(5, TimeUnit.SECONDS));
    }
}
