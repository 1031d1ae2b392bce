package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An actor's mailbox is made by the first sender, not at spawn. Many senders released at once onto an actor that
 * has never had a message race to make it: every message must still arrive, each sender's in send order, with
 * unbounded and bounded mailboxes alike. Each round uses a fresh actor so the race is run many times; the shape of
 * each round (senders, messages) comes from a seeded {@link SplittableRandom}.
 */
class MailboxFirstMessageConcurrentSendersTest {

    private static final int ROUNDS = 200;

    record Msg(int sender, int seq) {
    }

    record Report(CompletableFuture<long[]> answer) {
    }

    /** Checks each sender's order; reports how many messages came from each. */
    static final class Checker implements Actor<Object> {
        private final int[] lastSeq;
        private final AtomicReference<String> violation;

        Checker(int senders, AtomicReference<String> violation) {
            this.lastSeq = new int[senders];
            Arrays.fill(lastSeq, -1);
            this.violation = violation;
        }

        @Override
        public void onMessage(ActorContext<Object> ctx, Object message) {
            switch (message) {
                case Msg m -> {
                    if (m.seq() != lastSeq[m.sender()] + 1) {
                        violation.compareAndSet(null,
                                "sender " + m.sender() + ": seq " + m.seq() + " after " + lastSeq[m.sender()]);
                    }
                    lastSeq[m.sender()] = m.seq();
                }
                case Report r -> r.answer().complete(Arrays.stream(lastSeq).mapToLong(s -> s + 1L).toArray());
                default -> violation.compareAndSet(null, "unexpected " + message);
            }
        }
    }

    @ParameterizedTest(name = "bounded={0}")
    @ValueSource(booleans = {false, true})
    void racingFirstSendersAllDeliverInOrder(boolean bounded) throws Exception {
        SplittableRandom random = new SplittableRandom(bounded ? 7L : 11L);
        try (ActorSystem system = ActorSystem.builder().name("first-message").workers(2).build()) {
            for (int round = 0; round < ROUNDS; round++) {
                int senders = 2 + random.nextInt(5);
                int perSender = 1 + random.nextInt(40);
                AtomicReference<String> violation = new AtomicReference<>();
                SpawnOptions options = bounded
                        ? SpawnOptions.defaults().mailbox(SpawnOptions.Mailbox.bounded(senders * perSender + 1,
                                MailboxOverflowPolicy.DROP_NEWEST))
                        : SpawnOptions.defaults();
                ActorRef<Object> ref = system.spawn(new Checker(senders, violation), options);
                CyclicBarrier start = new CyclicBarrier(senders);
                List<Thread> threads = new ArrayList<>();
                List<TellResult> refused = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int s = 0; s < senders; s++) {
                    int sender = s;
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            start.await(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        for (int i = 0; i < perSender; i++) {
                            TellResult r = ref.tell(new Msg(sender, i));
                            if (r != TellResult.ENQUEUED) {
                                refused.add(r);
                            }
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
                CompletableFuture<long[]> counts = new CompletableFuture<>();
                assertEquals(TellResult.ENQUEUED, ref.tell(new Report(counts)));
                long[] got = counts.get(10, TimeUnit.SECONDS);
                String where = "round " + round + " (" + senders + " senders x " + perSender + ")";
                assertTrue(refused.isEmpty(), where + ": refused " + refused);
                assertNull(violation.get(), where);
                long[] expected = new long[senders];
                Arrays.fill(expected, perSender);
                assertEquals(Arrays.toString(expected), Arrays.toString(got), where);
                ref.stop();
            }
        }
    }
}
