package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The M:N scheduler (ACTOR-07: a slow handler never blocks network I/O of other connections): a busy actor
 * handles a bounded batch per turn, so it cannot starve the others even on a single worker; actors that
 * ping-pong on one worker's slot do not starve the global queue; idle workers park instead of spinning.
 */
class SchedulerBusyActorFairnessTest {

    @Test
    void aFloodingActorDoesNotStarveOthersOnASingleWorker() throws Exception {
        try (ActorSystem system = ActorSystem.builder().name("flood").workers(1).batchSize(16).build()) {
            AtomicLong floods = new AtomicLong();
            CountDownLatch flooding = new CountDownLatch(10_000);
            ActorRef<String> flooder = system.spawn((ctx, m) -> {
                floods.incrementAndGet();
                flooding.countDown();
                ctx.self().tell(m); // never idle: always one more message
            });
            flooder.tell("again");
            assertTrue(flooding.await(30, TimeUnit.SECONDS), "the flooder got going");
            long before = floods.get();
            for (int round = 0; round < 20; round++) {
                CountDownLatch served = new CountDownLatch(1);
                system.spawn((ctx, m) -> served.countDown()).tell("me too");
                assertTrue(served.await(30, TimeUnit.SECONDS), "a newcomer was starved");
                assertTrue(flooder.isAlive());
            }
            long after = floods.get();
            assertTrue(after > before, "the flooder kept going too");
            flooder.stop();
        }
    }

    @Test
    void aPingPongPairOnOneWorkersSlotDoesNotStarveTheGlobalQueue() throws Exception {
        try (ActorSystem system = ActorSystem.builder().name("pair").workers(1).build()) {
            CountDownLatch hops = new CountDownLatch(10_000);
            @SuppressWarnings("unchecked")
            ActorRef<Object>[] pair = new ActorRef[2];
            for (int i = 0; i < 2; i++) {
                final int me = i;
                pair[i] = system.spawn((ctx, m) -> {
                    hops.countDown();
                    pair[1 - me].tell(m); // tells from a worker go to its slot: a closed loop
                });
            }
            pair[0].tell("ball");
            assertTrue(hops.await(30, TimeUnit.SECONDS), "the pair got going");
            List<CountDownLatch> served = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CountDownLatch l = new CountDownLatch(1);
                served.add(l);
                system.spawn((ctx, m) -> l.countDown()).tell("from outside"); // via the global queue
            }
            for (CountDownLatch l : served) {
                assertTrue(l.await(30, TimeUnit.SECONDS), "global queue starved by the slot");
            }
            pair[0].stop();
            pair[1].stop();
        }
    }

    /**
     * An idle worker parks without a deadline ({@code LockSupport.park}: state WAITING, a park blocker set) instead
     * of spinning (RUNNABLE) or polling (TIMED_WAITING): a state, checked instead of CPU time over a wall-clock
     * window. The wait for the park covers the short spin-then-yield search before it.
     */
    @Test
    void idleWorkersParkAndBurnNoCpu() throws Exception {
        try (ActorSystem system = ActorSystem.builder().name("idle").workers(2).build()) {
            CountDownLatch done = new CountDownLatch(10_000);
            ActorRef<Integer> a = system.spawn((ctx, m) -> done.countDown());
            for (int i = 0; i < 10_000; i++) {
                a.tell(i);
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            List<Thread> workers = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("idle-worker-")) {
                    workers.add(t);
                }
            }
            assertEquals(2, workers.size());
            Eventually.assertEventually(true, () -> workers.stream().allMatch(SchedulerBusyActorFairnessTest::parked),
                    "both idle workers parked without a deadline");

            // and a tell still wakes them
            CountDownLatch woke = new CountDownLatch(1);
            system.spawn((ctx, m) -> woke.countDown()).tell("wake up");
            assertTrue(woke.await(30, TimeUnit.SECONDS));
        }
    }

    /** Parked with no deadline, as an idle worker is: not spinning, not polling on a timed park. */
    private static boolean parked(Thread t) {
        return t.getState() == Thread.State.WAITING && LockSupport.getBlocker(t) != null;
    }

    @Test
    void aHandlerThatLeavesItsThreadInterruptedDoesNotHarmTheWorker() throws Exception {
        try (ActorSystem system = ActorSystem.builder().name("intr").workers(1).build()) {
            CountDownLatch interrupted = new CountDownLatch(1);
            system.spawn((ctx, m) -> {
                Thread.currentThread().interrupt(); // "restore the interrupt" and return
                interrupted.countDown();
            }).tell("x");
            assertTrue(interrupted.await(5, TimeUnit.SECONDS));

            // the next handler on the same worker is not interrupted
            java.util.concurrent.CompletableFuture<String> next = new java.util.concurrent.CompletableFuture<>();
            system.spawn((ctx, m) -> {
                try {
                    Thread.sleep(1);
                    next.complete("slept");
                } catch (InterruptedException e) {
                    next.complete("interrupted");
                }
            }).tell("y");
            assertEquals("slept", next.get(5, TimeUnit.SECONDS));

            // and the worker still parks when idle instead of spinning on a set interrupt flag (park() returns at
            // once while the flag is set: such a worker would never be seen WAITING)
            Thread worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("intr-worker-0")).findFirst().orElseThrow();
            Eventually.assertEventually(true, () -> parked(worker), "the idle worker parked without a deadline");
        }
    }
}
