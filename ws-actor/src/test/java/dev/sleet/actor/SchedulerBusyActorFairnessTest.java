package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
            ActorRef<String> flooder = system.spawn((ctx, m) -> {
                floods.incrementAndGet();
                ctx.self().tell(m); // never idle: always one more message
            });
            flooder.tell("again");
            while (floods.get() < 10_000) {
                Thread.sleep(1);
            }
            long before = floods.get();
            for (int round = 0; round < 20; round++) {
                CountDownLatch served = new CountDownLatch(1);
                system.spawn((ctx, m) -> served.countDown()).tell("me too");
                assertTrue(served.await(5, TimeUnit.SECONDS), "a newcomer was starved");
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
            AtomicLong hops = new AtomicLong();
            @SuppressWarnings("unchecked")
            ActorRef<Object>[] pair = new ActorRef[2];
            for (int i = 0; i < 2; i++) {
                final int me = i;
                pair[i] = system.spawn((ctx, m) -> {
                    hops.incrementAndGet();
                    pair[1 - me].tell(m); // tells from a worker go to its slot: a closed loop
                });
            }
            pair[0].tell("ball");
            while (hops.get() < 10_000) {
                Thread.sleep(1);
            }
            List<CountDownLatch> served = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CountDownLatch l = new CountDownLatch(1);
                served.add(l);
                system.spawn((ctx, m) -> l.countDown()).tell("from outside"); // via the global queue
            }
            for (CountDownLatch l : served) {
                assertTrue(l.await(5, TimeUnit.SECONDS), "global queue starved by the slot");
            }
            pair[0].stop();
            pair[1].stop();
        }
    }

    @Test
    void idleWorkersParkAndBurnNoCpu() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            System.out.println("SKIPPED idleWorkersParkAndBurnNoCpu: thread CPU time not supported here");
            org.junit.jupiter.api.Assumptions.abort("thread CPU time is not supported by this JVM");
        }
        mx.setThreadCpuTimeEnabled(true);
        try (ActorSystem system = ActorSystem.builder().name("idle").workers(2).build()) {
            CountDownLatch done = new CountDownLatch(10_000);
            ActorRef<Integer> a = system.spawn((ctx, m) -> done.countDown());
            for (int i = 0; i < 10_000; i++) {
                a.tell(i);
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            Thread.sleep(100); // past the spin phase
            List<Thread> workers = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("idle-worker-")) {
                    workers.add(t);
                }
            }
            assertEquals(2, workers.size());
            // On a loaded machine a worker may not have reached its park yet: give it time, then it must be parked.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (workers.stream().anyMatch(t -> !parked(t)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long cpuBefore = 0;
            for (Thread t : workers) {
                cpuBefore += mx.getThreadCpuTime(t.threadId());
                assertTrue(parked(t), t.getName() + " should be parked, is " + t.getState());
            }
            Thread.sleep(500);
            long cpuAfter = 0;
            for (Thread t : workers) {
                cpuAfter += mx.getThreadCpuTime(t.threadId());
            }
            long usedMs = TimeUnit.NANOSECONDS.toMillis(cpuAfter - cpuBefore);
            System.out.println("idle workers used " + usedMs + " ms of CPU in 500 ms");
            assertTrue(usedMs < 50, "idle workers burned " + usedMs + " ms of CPU in 500 ms");

            // and a tell still wakes them
            CountDownLatch woke = new CountDownLatch(1);
            system.spawn((ctx, m) -> woke.countDown()).tell("wake up");
            assertTrue(woke.await(5, TimeUnit.SECONDS));
        }
    }
    private static boolean parked(Thread t) {
        Thread.State st = t.getState();
        return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
    }

    @Test
    void aHandlerThatLeavesItsThreadInterruptedDoesNotHarmTheWorker() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
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

            // and the worker still parks when idle instead of spinning on a set interrupt flag
            Thread.sleep(100);
            Thread worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("intr-worker-0")).findFirst().orElseThrow();
            if (mx.isThreadCpuTimeSupported()) {
                mx.setThreadCpuTimeEnabled(true);
                long before = mx.getThreadCpuTime(worker.threadId());
                Thread.sleep(300);
                long usedMs = TimeUnit.NANOSECONDS.toMillis(mx.getThreadCpuTime(worker.threadId()) - before);
                assertTrue(usedMs < 50, "idle worker burned " + usedMs + " ms of CPU in 300 ms");
            }
            assertEquals(Thread.State.WAITING, worker.getState());
        }
    }
}
