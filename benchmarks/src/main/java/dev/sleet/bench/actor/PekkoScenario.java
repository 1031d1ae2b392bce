package dev.sleet.bench.actor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The same workloads on Apache Pekko typed actors: default dispatcher and mailbox, with the fork-join pool's
 * parallelism set to the same thread count as the runtime it is compared with.
 */
final class PekkoScenario implements Scenario {

    private final ActorSystem<SpawnProtocol.Command> system;
    private final Scenario.Kind kind;
    private final List<ActorRef<Object>> actors = new ArrayList<>();

    PekkoScenario(Scenario.Kind kind, int threads) throws Exception {
        this.kind = kind;
        Config config = ConfigFactory.parseString(
                "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min = " + threads + "\n"
                        + "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = " + threads + "\n"
                        + "pekko.log-dead-letters = off\n"
                        + "pekko.stdout-loglevel = WARNING\n"
                        + "pekko.loglevel = WARNING\n")
                .withFallback(ConfigFactory.load());
        this.system = ActorSystem.create(SpawnProtocol.create(), "bench", config);
        switch (kind) {
            case PING_PONG -> {
                ActorRef<Object> pinger = spawn(pinger(), "pinger");
                ActorRef<Object> ponger = spawn(ponger(), "ponger");
                pinger.tell(ponger);
                ponger.tell(pinger);
                actors.add(pinger);
            }
            case FAN_IN -> {
                ActorRef<Object> sink = spawn(sink(FAN_IN_SENDERS), "sink");
                actors.add(sink);
                for (int i = 0; i < FAN_IN_SENDERS; i++) {
                    ActorRef<Object> sender = spawn(sender(), "sender-" + i);
                    sender.tell(List.of(sink));
                    actors.add(sender);
                }
            }
            case FAN_OUT -> {
                List<ActorRef<Object>> receivers = new ArrayList<>();
                for (int i = 0; i < FAN_OUT_RECEIVERS; i++) {
                    receivers.add(spawn(sink(1), "receiver-" + i));
                }
                ActorRef<Object> sender = spawn(sender(), "sender");
                sender.tell(List.copyOf(receivers));
                actors.add(sender);
                actors.addAll(receivers);
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
    }

    private ActorRef<Object> spawn(Behavior<Object> behavior, String name) throws Exception {
        return AskPattern.<SpawnProtocol.Command, ActorRef<Object>>ask(system,
                        replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
                        Duration.ofSeconds(10), system.scheduler())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
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
    public void close() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static final class PingState {
        ActorRef<Object> peer;
        int remaining;
        CountDownLatch done;
    }

    @SuppressWarnings("unchecked")
    private static Behavior<Object> pinger() {
        return Behaviors.setup(ctx -> {
            PingState st = new PingState();
            return Behaviors.receiveMessage(m -> {
                if (m == Messages.PONG) {
                    if (--st.remaining == 0) {
                        st.done.countDown();
                    } else {
                        st.peer.tell(Messages.PING);
                    }
                } else if (m instanceof Messages.Start s) {
                    st.remaining = s.n();
                    st.done = s.done();
                    st.peer.tell(Messages.PING);
                } else {
                    st.peer = (ActorRef<Object>) m;
                }
                return Behaviors.same();
            });
        });
    }

    @SuppressWarnings("unchecked")
    private static Behavior<Object> ponger() {
        return Behaviors.setup(ctx -> {
            PingState st = new PingState();
            return Behaviors.receiveMessage(m -> {
                if (m == Messages.PING) {
                    st.peer.tell(Messages.PONG);
                } else {
                    st.peer = (ActorRef<Object>) m;
                }
                return Behaviors.same();
            });
        });
    }

    private static final class SinkState {
        long expected;
        long count;
        CountDownLatch done;
    }

    private static Behavior<Object> sink(int factor) {
        return Behaviors.setup(ctx -> {
            SinkState st = new SinkState();
            return Behaviors.receiveMessage(m -> {
                if (m == Messages.DATA) {
                    if (++st.count == st.expected) {
                        st.done.countDown();
                    }
                } else if (m instanceof Messages.Start s) {
                    st.expected = (long) s.n() * factor;
                    st.count = 0;
                    st.done = s.done();
                }
                return Behaviors.same();
            });
        });
    }

    @SuppressWarnings("unchecked")
    private static Behavior<Object> sender() {
        return Behaviors.setup(ctx -> {
            List<ActorRef<Object>>[] targets = new List[1];
            return Behaviors.receiveMessage(m -> {
                if (m instanceof Messages.Start s) {
                    List<ActorRef<Object>> t = targets[0];
                    int k = t.size();
                    for (int i = 0; i < s.n(); i++) {
                        for (int j = 0; j < k; j++) {
                            t.get(j).tell(Messages.DATA);
                        }
                    }
                } else {
                    targets[0] = (List<ActorRef<Object>>) m;
                }
                return Behaviors.same();
            });
        });
    }
}
