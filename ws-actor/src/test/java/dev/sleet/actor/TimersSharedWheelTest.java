package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared timers (BEAT-05: heartbeat runs on timers shared by many connections, not on a thread or a
 * timer task per connection): one hashed timing wheel on one thread; firing, cancel, periodic timers, and
 * many pending timers costing memory, not threads.
 */
class TimersSharedWheelTest {

    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.builder().name("timers").workers(2).timerTick(Duration.ofMillis(5)).build();
    }

    @AfterEach
    void stop() {
        assertTrue(system.shutdown(Duration.ofSeconds(5)).clean());
    }

    /**
     * "Never early" as an order, not a duration: a 300 ms timer scheduled first fires after a 20 ms one scheduled
     * right after it (a wheel that fired at once would run them in the order given; only a stall of 280 ms between
     * the two calls could swap them fairly). "Once": a sentinel due after it has fired too, and the task ran once.
     */
    @Test
    void aOneShotTimerFiresOnceAndNeverEarly() throws Exception {
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch fired = new CountDownLatch(2);
        AtomicInteger runs = new AtomicInteger();
        Cancellable c = system.timers().schedule(Duration.ofMillis(300), () -> {
            order.add("300 ms");
            runs.incrementAndGet();
            fired.countDown();
        });
        system.timers().schedule(Duration.ofMillis(20), () -> {
            order.add("20 ms");
            fired.countDown();
        });
        assertTrue(fired.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("20 ms", "300 ms"), order, "fired by deadline, not by the order of scheduling");
        awaitSentinel(Duration.ofMillis(50));
        assertEquals(1, runs.get());
        assertFalse(c.cancel(), "a fired timer cannot be cancelled");
        assertFalse(c.isCancelled());
        Eventually.assertEventually(0L, () -> system.timers().pending(), "pending after firing");
    }

    @Test
    void aCancelledTimerNeverFires() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Cancellable c = system.timers().schedule(Duration.ofMillis(50), runs::incrementAndGet);
        assertEquals(1, system.timers().pending());
        assertTrue(c.cancel());
        assertFalse(c.cancel(), "second cancel");
        assertTrue(c.isCancelled());
        assertEquals(0, system.timers().pending());
        awaitSentinel(Duration.ofMillis(100)); // the wheel has passed the cancelled timer's slot
        assertEquals(0, runs.get());
    }

    @Test
    void aPeriodicTimerRepeatsUntilCancelled() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean cancelReturned = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger startedAfterCancel = new AtomicInteger();
        CountDownLatch five = new CountDownLatch(5);
        Cancellable c = system.timers().schedulePeriodic(Duration.ZERO, Duration.ofMillis(10), () -> {
            if (cancelReturned.get()) {
                startedAfterCancel.incrementAndGet();
            }
            runs.incrementAndGet();
            five.countDown();
        });
        assertTrue(five.await(30, TimeUnit.SECONDS));
        assertTrue(c.cancel());
        cancelReturned.set(true);
        awaitSentinel(Duration.ofMillis(100)); // ten periods have passed on the wheel
        // a firing already decided when cancel() ran may still start; no later one may
        assertTrue(startedAfterCancel.get() <= 1, startedAfterCancel.get() + " firings after cancel");
        assertEquals(0, system.timers().pending());
    }

    /**
     * A 1 ms period on a 5 ms tick fires once per tick: compared with a timer whose period is one tick, over the same
     * stretch of the wheel, it fires about as often (not five times as often), and it keeps firing (no stall). A
     * count against a count, not against elapsed time.
     */
    @Test
    void aPeriodShorterThanATickFiresOncePerTickWithoutStalling() throws Exception {
        AtomicInteger sub = new AtomicInteger();
        AtomicInteger perTick = new AtomicInteger();
        CountDownLatch twenty = new CountDownLatch(20);
        Cancellable s = system.timers().schedulePeriodic(Duration.ofMillis(1), Duration.ofMillis(1),
                sub::incrementAndGet); // tick is 5 ms
        Cancellable t = system.timers().schedulePeriodic(Duration.ofMillis(1), system.timers().tick(), () -> {
            perTick.incrementAndGet();
            twenty.countDown();
        });
        assertTrue(twenty.await(30, TimeUnit.SECONDS), "the one-tick timer stalled");
        // both are cancelled from the same (test) thread between two firings of the timer thread at most
        s.cancel();
        t.cancel();
        int n = sub.get();
        int ticks = perTick.get();
        // equal on an idle machine; the slack covers a stalled timer thread skipping a firing of one but not the
        // other, while five firings per tick (one per millisecond) would still be far outside it
        assertTrue(n >= ticks / 2, "the 1 ms timer fired " + n + " times while a one-tick timer fired " + ticks
                + ": it stalled");
        assertTrue(n <= 2 * ticks + 2, "the 1 ms timer fired " + n + " times while a one-tick timer fired " + ticks
                + ": more than once per tick");
    }

    @Test
    void timersToldToActorsArriveAsMessagesAndEndWithTheActor() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> actor = system.spawn(new Actor<String>() {
            private Cancellable beat;

            @Override
            public void onStart(ActorContext<String> ctx) {
                ctx.scheduleOnce(Duration.ofMillis(20), "once");
                beat = ctx.schedulePeriodic(Duration.ofMillis(10), Duration.ofMillis(10), "beat");
            }

            @Override
            public void onMessage(ActorContext<String> ctx, String message) {
                probe.add(message);
            }
        });
        int beats = 0;
        boolean once = false;
        while (beats < 3 || !once) {
            Object e = probe.next();
            if (e.equals("beat")) {
                beats++;
            } else if (e.equals("once")) {
                once = true;
            }
        }
        assertEquals(1, system.timers().pending(), "only the periodic timer is left");
        actor.stop();
        // the periodic timer notices the dead actor at its next firing and ends by itself
        Eventually.assertEventually(0L, () -> system.timers().pending(), "pending after the actor stopped");
    }

    @Test
    void aThrowingTaskDoesNotDisturbOtherTimers() throws Exception {
        CountDownLatch later = new CountDownLatch(1);
        system.timers().schedule(Duration.ofMillis(5), () -> {
            throw new IllegalStateException("task failed");
        });
        system.timers().schedule(Duration.ofMillis(30), later::countDown);
        assertTrue(later.await(5, TimeUnit.SECONDS));
    }

    /**
     * Tens of thousands of timers from several threads, random delays, half of them cancelled at random: each
     * survivor fires exactly once, no cancelled one fires.
     */
    @Test
    void manyThousandsPendingFireExactlyTheUncancelledOnes() throws Exception {
        int n = 60_000;
        SplittableRandom rnd = new SplittableRandom(99);
        BitSet cancelled = new BitSet(n);
        ConcurrentHashMap<Integer, Integer> firings = new ConcurrentHashMap<>();
        List<Cancellable> handles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final int id = i;
            handles.add(system.timers().schedule(Duration.ofMillis(20 + rnd.nextInt(400)),
                    () -> firings.merge(id, 1, Integer::sum)));
        }
        for (int i = 0; i < n; i++) {
            if (rnd.nextBoolean() && handles.get(i).cancel()) {
                cancelled.set(i);
            }
        }
        int expected = n - cancelled.cardinality();
        Eventually.assertEventually(expected, firings::size, "timers fired");
        Eventually.assertEventually(0L, () -> system.timers().pending(), "pending");
        for (var e : firings.entrySet()) {
            assertEquals(1, e.getValue(), "timer " + e.getKey() + " fired more than once");
            assertFalse(cancelled.get(e.getKey()), "cancelled timer " + e.getKey() + " fired");
        }
    }

    /** A million pending timers: one timer thread however many, and about 60 bytes each. */
    @Test
    void aMillionPendingTimersCostMemoryNotThreads() throws Exception {
        int n = 1_000_000;
        system.timers().schedule(Duration.ofHours(1), () -> { }).cancel(); // start the timer thread
        int threadsBefore = threadsOf("timers-");
        long heapBefore = usedHeapAfterGc();
        Cancellable[] handles = new Cancellable[n];
        Runnable task = () -> { };
        for (int i = 0; i < n; i++) {
            handles[i] = system.timers().schedule(Duration.ofMinutes(30 + i % 600), task);
        }
        assertEquals(n, system.timers().pending());
        Thread.sleep(50); // let the timer thread link them into the wheel
        long heapAfter = usedHeapAfterGc();
        assertEquals(threadsBefore, threadsOf("timers-"), "no thread per timer");
        assertEquals(3, threadsBefore, "two workers and one timer thread");
        double perTimer = (heapAfter - heapBefore) / (double) n - 4; // minus the test's own array slot
        System.out.printf("pending timer: %.1f bytes each%n", perTimer);
        assertTrue(perTimer < 100, "a pending timer costs " + perTimer + " bytes");
        for (Cancellable c : handles) {
            assertTrue(c.cancel());
        }
        assertEquals(0, system.timers().pending());
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        Timers t = system.timers();
        assertThrows(IllegalArgumentException.class,
                () -> t.schedulePeriodic(Duration.ZERO, Duration.ZERO, () -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> t.schedulePeriodic(Duration.ZERO, Duration.ofMillis(-1), () -> { }));
        assertThrows(NullPointerException.class, () -> t.schedule(null, () -> { }));
        assertThrows(NullPointerException.class, () -> t.schedule(Duration.ZERO, (Runnable) null));
        assertEquals(Duration.ofMillis(5), t.tick());
    }

    @Test
    void negativeDelayFiresAtTheNextTick() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        system.timers().schedule(Duration.ofSeconds(-5), fired::countDown);
        assertTrue(fired.await(5, TimeUnit.SECONDS));
    }

    @Test
    void afterShutdownTimersAreRefusedAndPendingOnesNeverFire() throws Exception {
        ActorSystem other = ActorSystem.builder().name("timers-down").workers(1).build();
        AtomicInteger runs = new AtomicInteger();
        Cancellable pending = other.timers().schedule(Duration.ofMillis(200), runs::incrementAndGet);
        assertTrue(other.shutdown(Duration.ofSeconds(5)).clean());
        assertTrue(pending.isCancelled(), "pending timers are cancelled by the shutdown");
        Cancellable refused = other.timers().schedule(Duration.ZERO, runs::incrementAndGet);
        assertTrue(refused.isCancelled());
        assertFalse(refused.cancel());
        Thread.sleep(250);
        assertEquals(0, runs.get());
        assertEquals(0, other.timers().pending());
    }

    private static int threadsOf(String prefix) {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var mem = java.lang.management.ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(30);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Schedules a one-shot timer {@code delay} from now and waits for it: the wheel has turned at least that far. */
    private void awaitSentinel(Duration delay) throws InterruptedException {
        CountDownLatch sentinel = new CountDownLatch(1);
        system.timers().schedule(delay, sentinel::countDown);
        assertTrue(sentinel.await(30, TimeUnit.SECONDS), "a sentinel timer fired");
    }
}
