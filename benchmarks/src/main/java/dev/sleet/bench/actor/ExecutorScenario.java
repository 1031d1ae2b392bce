package dev.sleet.bench.actor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The same workloads on the plainest actor one can write: a {@link ConcurrentLinkedQueue} mailbox, an
 * {@link AtomicBoolean} "scheduled" flag and a fixed {@link ExecutorService}; each turn handles up to 64
 * messages (the same batch as Sleet's default).
 */
final class ExecutorScenario implements Scenario {

    private final ExecutorService executor;
    private final Scenario.Kind kind;
    private final List<PlainActor> actors = new ArrayList<>();

    ExecutorScenario(Scenario.Kind kind, int threads) {
        this.kind = kind;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "plain-actor");
            t.setDaemon(true);
            return t;
        });
        switch (kind) {
            case PING_PONG -> {
                PlainActor[] pair = new PlainActor[2];
                int[] remaining = new int[1];
                CountDownLatch[] done = new CountDownLatch[1];
                pair[0] = new PlainActor(executor, m -> {
                    if (m == Messages.PONG) {
                        if (--remaining[0] == 0) {
                            done[0].countDown();
                        } else {
                            pair[1].tell(Messages.PING);
                        }
                    } else if (m instanceof Messages.Start s) {
                        remaining[0] = s.n();
                        done[0] = s.done();
                        pair[1].tell(Messages.PING);
                    }
                });
                pair[1] = new PlainActor(executor, m -> pair[0].tell(Messages.PONG));
                actors.add(pair[0]);
            }
            case FAN_IN -> {
                PlainActor sink = sink(FAN_IN_SENDERS);
                actors.add(sink);
                for (int i = 0; i < FAN_IN_SENDERS; i++) {
                    actors.add(sender(List.of(sink)));
                }
            }
            case FAN_OUT -> {
                List<PlainActor> receivers = new ArrayList<>();
                for (int i = 0; i < FAN_OUT_RECEIVERS; i++) {
                    receivers.add(sink(1));
                }
                actors.add(sender(receivers));
                actors.addAll(receivers);
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
    }

    private PlainActor sink(int factor) {
        long[] expectedAndCount = new long[2];
        CountDownLatch[] done = new CountDownLatch[1];
        return new PlainActor(executor, m -> {
            if (m == Messages.DATA) {
                if (++expectedAndCount[1] == expectedAndCount[0]) {
                    done[0].countDown();
                }
            } else if (m instanceof Messages.Start s) {
                expectedAndCount[0] = (long) s.n() * factor;
                expectedAndCount[1] = 0;
                done[0] = s.done();
            }
        });
    }

    private PlainActor sender(List<PlainActor> targets) {
        return new PlainActor(executor, m -> {
            if (m instanceof Messages.Start s) {
                int k = targets.size();
                for (int i = 0; i < s.n(); i++) {
                    for (int j = 0; j < k; j++) {
                        targets.get(j).tell(Messages.DATA);
                    }
                }
            }
        });
    }

    @Override
    public void run(int n) throws Exception {
        switch (kind) {
            case PING_PONG -> {
                CountDownLatch done = new CountDownLatch(1);
                actors.get(0).tell(new Messages.Start(n, done));
                Messages.await(done);
            }
            case FAN_IN -> {
                CountDownLatch done = new CountDownLatch(1);
                actors.get(0).tell(new Messages.Start(n, done));
                for (int i = 1; i < actors.size(); i++) {
                    actors.get(i).tell(new Messages.Start(n, null));
                }
                Messages.await(done);
            }
            case FAN_OUT -> {
                CountDownLatch done = new CountDownLatch(FAN_OUT_RECEIVERS);
                for (int i = 1; i < actors.size(); i++) {
                    actors.get(i).tell(new Messages.Start(n, done));
                }
                actors.get(0).tell(new Messages.Start(n, null));
                Messages.await(done);
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Mailbox + scheduled flag + executor: the textbook actor. */
    static final class PlainActor implements Runnable {
        private static final int BATCH = 64;
        private final ConcurrentLinkedQueue<Object> mailbox = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final ExecutorService executor;
        private final Consumer<Object> behaviour;

        PlainActor(ExecutorService executor, Consumer<Object> behaviour) {
            this.executor = executor;
            this.behaviour = behaviour;
        }

        void tell(Object m) {
            mailbox.offer(m);
            if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
                executor.execute(this);
            }
        }

        @Override
        public void run() {
            for (int i = 0; i < BATCH; i++) {
                Object m = mailbox.poll();
                if (m == null) {
                    break;
                }
                behaviour.accept(m);
            }
            scheduled.set(false);
            if (!mailbox.isEmpty() && scheduled.compareAndSet(false, true)) {
                executor.execute(this);
            }
        }
    }
}
