package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bounded mailboxes (the outbound limits of the server build on this policy shape): the capacity is exact,
 * even under concurrent senders; a full mailbox rejects with {@link TellResult#MAILBOX_FULL} or drops with
 * {@link TellResult#DROPPED}; its size is readable; signals never compete with messages for room.
 */
class BoundedMailboxOverflowTest {

    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.builder().name("bounded").workers(2).build();
    }

    @AfterEach
    void stop() {
        assertTrue(system.shutdown(Duration.ofSeconds(5)).clean());
    }

    /** An actor whose first message blocks until released, so that the rest pile up. */
    private ActorRef<Integer> blocked(SpawnOptions opts, CountDownLatch entered, CountDownLatch release,
                                      AtomicInteger handled) {
        return system.spawn((ctx, m) -> {
            if (m < 0) {
                entered.countDown();
                release.await();
            } else {
                handled.incrementAndGet();
            }
        }, opts);
    }

    @ParameterizedTest(name = "capacity={0}")
    @ValueSource(ints = {1, 3, 10, 100, 1000})
    void rejectAtExactlyTheCapacity(int capacity) throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        ActorRef<Integer> ref = blocked(SpawnOptions.defaults().bounded(capacity, MailboxOverflowPolicy.REJECT),
                entered, release, handled);
        ref.tell(-1);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < capacity; i++) {
            assertEquals(TellResult.ENQUEUED, ref.tell(i), "message " + i);
        }
        assertEquals(capacity, ref.mailboxSize());
        assertEquals(TellResult.MAILBOX_FULL, ref.tell(capacity));
        assertEquals(TellResult.MAILBOX_FULL, ref.tell(capacity + 1));
        assertEquals(2, system.metrics().mailboxRejected());
        release.countDown();
        Eventually.assertEventually(capacity, handled::get, "handled");
        assertEquals(0, ref.mailboxSize());
        assertEquals(TellResult.ENQUEUED, ref.tell(7), "room again once drained");
    }

    @Test
    void dropNewestDiscardsAndSaysSo() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        ActorRef<Integer> ref = blocked(SpawnOptions.defaults().bounded(5, MailboxOverflowPolicy.DROP_NEWEST),
                entered, release, handled);
        ref.tell(-1);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        int enqueued = 0;
        int dropped = 0;
        for (int i = 0; i < 50; i++) {
            TellResult r = ref.tell(i);
            if (r == TellResult.ENQUEUED) {
                enqueued++;
            } else {
                assertEquals(TellResult.DROPPED, r);
                dropped++;
            }
        }
        assertEquals(5, enqueued);
        assertEquals(45, dropped);
        assertEquals(45, system.metrics().mailboxDropped());
        release.countDown();
        Eventually.assertEventually(5, handled::get, "handled");
    }

    @Test
    void capacityIsExactUnderConcurrentSenders() throws Exception {
        int capacity = 100;
        int senders = 8;
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        ActorRef<Integer> ref = blocked(SpawnOptions.defaults().bounded(capacity, MailboxOverflowPolicy.REJECT),
                entered, release, handled);
        ref.tell(-1);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        AtomicInteger accepted = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(senders);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 1_000; i++) {
                    if (ref.tell(i) == TellResult.ENQUEUED) {
                        accepted.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(capacity, accepted.get());
        assertEquals(capacity, ref.mailboxSize());
        release.countDown();
        Eventually.assertEventually(capacity, handled::get, "handled");
    }

    @Test
    void aFullMailboxStillReceivesSignals() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Probe probe = new Probe();
        ActorRef<String> target = system.spawn((ctx, m) -> { });
        ActorRef<Object> watcher = system.spawn(new Actor<Object>() {
            @Override
            public void onMessage(ActorContext<Object> ctx, Object m) throws InterruptedException {
                if (m.equals("watch")) {
                    ctx.watch(target);
                    entered.countDown();
                    release.await();
                }
            }

            @Override
            public void onSignal(ActorContext<Object> ctx, Signal signal) {
                probe.add(signal);
            }
        }, SpawnOptions.defaults().bounded(2, MailboxOverflowPolicy.REJECT));
        watcher.tell("watch");
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        watcher.tell("a");
        watcher.tell("b");
        assertEquals(TellResult.MAILBOX_FULL, watcher.tell("c"));
        target.stop();
        Thread.sleep(20);
        release.countDown();
        assertInstanceOf(Signal.Terminated.class, probe.next());
    }

    @Test
    void badCapacitiesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SpawnOptions.defaults().bounded(0, MailboxOverflowPolicy.REJECT));
        assertThrows(IllegalArgumentException.class,
                () -> SpawnOptions.defaults().bounded(-5, MailboxOverflowPolicy.DROP_NEWEST));
        assertThrows(NullPointerException.class, () -> SpawnOptions.defaults().bounded(5, null));
    }
}
