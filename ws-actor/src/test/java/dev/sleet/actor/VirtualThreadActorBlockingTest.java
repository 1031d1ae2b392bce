package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The opt-in virtual-thread execution (ACTOR-07: a slow handler never blocks other connections). A handler
 * that blocks holds its own virtual thread, not a worker: with a single worker, other actors, dispatcher and
 * virtual alike, carry on while it is blocked. The actor guarantees hold on virtual threads as well.
 */
class VirtualThreadActorBlockingTest {

    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.builder().name("vt").workers(1).build(); // one worker: any hold would show
    }

    @AfterEach
    void stop() {
        assertTrue(system.shutdown(Duration.ofSeconds(5)).clean());
    }

    @Test
    void aBlockedVirtualThreadActorDelaysNoOtherActor() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<Thread> blockerThread = new AtomicReference<>();
        Probe probe = new Probe();
        ActorRef<String> blocker = system.spawn((ctx, m) -> {
            blockerThread.set(Thread.currentThread());
            blocked.countDown();
            release.await(); // a database call that takes its time
            probe.add("blocker done: " + m);
        }, SpawnOptions.defaults().virtualThreads().name("db"));
        blocker.tell("query");
        assertTrue(blocked.await(5, TimeUnit.SECONDS));
        assertTrue(blockerThread.get().isVirtual(), "runs on a virtual thread");

        // while it blocks: 1,000 messages through dispatcher actors on the only worker...
        CountDownLatch dispatched = new CountDownLatch(1_000);
        ActorRef<Integer> fast = system.spawn((ctx, m) -> dispatched.countDown());
        for (int i = 0; i < 1_000; i++) {
            fast.tell(i);
        }
        assertTrue(dispatched.await(5, TimeUnit.SECONDS), "dispatcher actors ran while a handler blocked");

        // ...and another virtual-thread actor, which blocks briefly itself
        CountDownLatch otherVirtual = new CountDownLatch(10);
        ActorRef<Integer> sleeper = system.spawn((ctx, m) -> {
            Thread.sleep(1);
            otherVirtual.countDown();
        }, SpawnOptions.defaults().virtualThreads());
        for (int i = 0; i < 10; i++) {
            sleeper.tell(i);
        }
        assertTrue(otherVirtual.await(5, TimeUnit.SECONDS), "other virtual actors ran while one blocked");

        assertEquals(0, probe.size(), "the blocker is still blocked");
        blocker.tell("second"); // queued behind the blocked message
        release.countDown();
        probe.expect("blocker done: query");
        probe.expect("blocker done: second");
    }

    @Test
    void virtualThreadActorsKeepOrderAndNeverOverlap() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicReference<String> violation = new AtomicReference<>();
        int senders = 4;
        int perSender = 2_000;
        int[] last = new int[senders];
        java.util.Arrays.fill(last, -1);
        long[] count = new long[1]; // plain: successive turns may run on different virtual threads
        java.util.concurrent.CompletableFuture<Long> report = new java.util.concurrent.CompletableFuture<>();
        ActorRef<int[]> actor = system.spawn((ctx, m) -> {
            if (inside.getAndIncrement() != 0) {
                violation.compareAndSet(null, "overlap");
            }
            if (m[0] < 0) {
                report.complete(count[0]);
            } else {
                if (m[1] != last[m[0]] + 1) {
                    violation.compareAndSet(null, "order of sender " + m[0]);
                }
                last[m[0]] = m[1];
                count[0]++;
                if ((m[1] & 63) == 0) {
                    Thread.yield(); // let the scheduler move this virtual thread around
                }
            }
            inside.decrementAndGet();
        }, SpawnOptions.defaults().virtualThreads());
        Thread[] threads = new Thread[senders];
        for (int s = 0; s < senders; s++) {
            final int sender = s;
            threads[s] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perSender; i++) {
                    actor.tell(new int[] {sender, i});
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        actor.tell(new int[] {-1, 0});
        assertEquals((long) senders * perSender, report.get(10, TimeUnit.SECONDS));
        assertEquals(null, violation.get());
    }

    @Test
    void anIdleVirtualActorHoldsNoThread() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        ActorRef<String> actor = system.spawn((ctx, m) -> handled.countDown(),
                SpawnOptions.defaults().virtualThreads());
        actor.tell("once");
        assertTrue(handled.await(5, TimeUnit.SECONDS));
        // its virtual thread ends with the busy period: the shutdown joins no thread of it
        ShutdownResult r = system.shutdown(Duration.ofSeconds(5));
        assertEquals(0, r.threadsStillRunning());
        assertEquals(ShutdownResult.Outcome.DRAINED, r.outcome());
    }
}
