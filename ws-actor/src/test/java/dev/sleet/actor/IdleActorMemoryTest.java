package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an idle actor costs in heap: the server keeps one actor per connection (ACTOR-01) and aims at 100k
 * connections per box, so an idle actor must stay well under 300 bytes. An actor that was never sent a message
 * holds no mailbox (the first sender makes it), so one that has only been spawned costs under 150 bytes. Measured
 * as the heap delta over 100,000 spawned idle actors (their refs kept), after each has run onStart and gone idle.
 */
class IdleActorMemoryTest {

    private static final int ACTORS = 100_000;

    @Test
    void idleActorCostsUnder150BytesWithoutAMailbox() throws Exception {
        try (ActorSystem system = ActorSystem.builder().name("mem").workers(2).build()) {
            // warm up the classes and code paths so they do not count
            spawnIdle(system, 1_000);
            long before = usedHeapAfterGc();
            List<ActorRef<Object>> refs = spawnIdle(system, ACTORS);
            long after = usedHeapAfterGc();
            double perActor = (after - before) / (double) ACTORS;
            System.out.printf("idle actor: %.1f bytes each (heap delta %d bytes over %d actors)%n",
                    perActor, after - before, ACTORS);
            assertEquals(ACTORS + 1_000, system.metrics().liveActors());
            assertTrue(perActor < 150, "an idle actor that never had a message costs " + perActor
                    + " bytes: is its mailbox made at spawn again?");
            assertTrue(perActor > 40, "implausible measurement: " + perActor + " bytes");
            refs.forEach(r -> assertTrue(r.isAlive()));
        }
    }

    private static List<ActorRef<Object>> spawnIdle(ActorSystem system, int n) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(n);
        List<ActorRef<Object>> refs = new ArrayList<>(n);
        Actor<Object> idle = new Actor<>() {
            @Override
            public void onStart(ActorContext<Object> ctx) {
                started.countDown();
            }

            @Override
            public void onMessage(ActorContext<Object> ctx, Object message) {
            }
        };
        for (int i = 0; i < n; i++) {
            refs.add(system.spawn(idle));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS), "actors did not start");
        return refs;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
