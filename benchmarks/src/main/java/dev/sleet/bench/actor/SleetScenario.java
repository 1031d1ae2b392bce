package dev.sleet.bench.actor;

import dev.sleet.actor.Actor;
import dev.sleet.actor.ActorContext;
import dev.sleet.actor.ActorRef;
import dev.sleet.actor.ActorSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The workloads on Sleet's actor runtime, default spawn options. */
final class SleetScenario implements Scenario {

    private final ActorSystem system;
    private final Scenario.Kind kind;
    private final List<ActorRef<Object>> actors = new ArrayList<>();

    SleetScenario(Scenario.Kind kind, int threads) {
        this.kind = kind;
        this.system = ActorSystem.builder().name("bench").workers(threads).daemon(true).build();
        switch (kind) {
            case PING_PONG -> {
                ActorRef<Object> pinger = system.spawn(new Pinger());
                ActorRef<Object> ponger = system.spawn(new Ponger());
                pinger.tell(ponger);
                ponger.tell(pinger);
                actors.add(pinger);
            }
            case FAN_IN -> {
                ActorRef<Object> sink = system.spawn(new Sink(FAN_IN_SENDERS));
                actors.add(sink);
                for (int i = 0; i < FAN_IN_SENDERS; i++) {
                    ActorRef<Object> sender = system.spawn(new Sender());
                    sender.tell(List.of(sink));
                    actors.add(sender);
                }
            }
            case FAN_OUT -> {
                List<ActorRef<Object>> receivers = new ArrayList<>();
                for (int i = 0; i < FAN_OUT_RECEIVERS; i++) {
                    receivers.add(system.spawn(new Sink(1)));
                }
                ActorRef<Object> sender = system.spawn(new Sender());
                sender.tell(List.copyOf(receivers));
                actors.add(sender);
                actors.addAll(receivers);
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
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
                actors.get(0).tell(new Messages.Start(n, done)); // the sink first: it expects senders × n
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
    public void close() {
        system.shutdown(Duration.ofSeconds(10));
    }

    private static final class Pinger implements Actor<Object> {
        private ActorRef<Object> peer;
        private int remaining;
        private CountDownLatch done;

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(ActorContext<Object> ctx, Object m) {
            if (m == Messages.PONG) {
                if (--remaining == 0) {
                    done.countDown();
                } else {
                    peer.tell(Messages.PING);
                }
            } else if (m instanceof Messages.Start s) {
                remaining = s.n();
                done = s.done();
                peer.tell(Messages.PING);
            } else {
                peer = (ActorRef<Object>) m;
            }
        }
    }

    private static final class Ponger implements Actor<Object> {
        private ActorRef<Object> peer;

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(ActorContext<Object> ctx, Object m) {
            if (m == Messages.PING) {
                peer.tell(Messages.PONG);
            } else {
                peer = (ActorRef<Object>) m;
            }
        }
    }

    /** Counts DATA; counts down its round's latch after {@code factor × n} of them. */
    private static final class Sink implements Actor<Object> {
        private final int factor;
        private long expected;
        private long count;
        private CountDownLatch done;

        Sink(int factor) {
            this.factor = factor;
        }

        @Override
        public void onMessage(ActorContext<Object> ctx, Object m) {
            if (m == Messages.DATA) {
                if (++count == expected) {
                    done.countDown();
                }
            } else if (m instanceof Messages.Start s) {
                expected = (long) s.n() * factor;
                count = 0;
                done = s.done();
            }
        }
    }

    /** On Start(n), sends n DATA to each of its targets, round robin. */
    private static final class Sender implements Actor<Object> {
        private List<ActorRef<Object>> targets;

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(ActorContext<Object> ctx, Object m) {
            if (m instanceof Messages.Start s) {
                List<ActorRef<Object>> t = targets;
                int k = t.size();
                for (int i = 0; i < s.n(); i++) {
                    for (int j = 0; j < k; j++) {
                        t.get(j).tell(Messages.DATA);
                    }
                }
            } else {
                targets = (List<ActorRef<Object>>) m;
            }
        }
    }
}
