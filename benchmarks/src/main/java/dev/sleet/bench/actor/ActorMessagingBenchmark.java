package dev.sleet.bench.actor;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Actor messaging throughput on Sleet's runtime against Apache Pekko typed actors and a plain
 * {@code ExecutorService} + {@code ConcurrentLinkedQueue} actor, in the same run. Each runtime gets the same
 * number of threads (the available processors). Scores are messages per second ({@code pingPong}: round
 * trips per second, two messages each).
 *
 * <ul>
 *   <li>{@code pingPong}: two actors bounce one message 10,000 times per round.</li>
 *   <li>{@code fanIn}: 8 sender actors each send 10,000 messages to one actor.</li>
 *   <li>{@code fanOut}: one actor sends 5,000 messages to each of 16 actors, round robin.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ActorMessagingBenchmark {

    static final int ROUND_TRIPS = 10_000;
    static final int PER_SENDER = 10_000;
    static final int PER_RECEIVER = 5_000;

    /** Holds one runtime's workload for the whole trial. */
    @State(Scope.Benchmark)
    public static class Runtime {
        @Param({"sleet", "pekko", "executor"})
        public String runtime;

        Scenario pingPong;
        Scenario fanIn;
        Scenario fanOut;

        private Scenario.Kind kind;

        void open(Scenario.Kind k) throws Exception {
            kind = k;
            int threads = java.lang.Runtime.getRuntime().availableProcessors();
            Scenario s = Scenario.create(runtime, k, threads);
            switch (k) {
                case PING_PONG -> pingPong = s;
                case FAN_IN -> fanIn = s;
                case FAN_OUT -> fanOut = s;
                default -> throw new IllegalArgumentException(k.name());
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            for (Scenario s : new Scenario[] {pingPong, fanIn, fanOut}) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** The ping-pong workload. */
    @State(Scope.Benchmark)
    public static class PingPong extends Runtime {
        @Setup(Level.Trial)
        public void setup() throws Exception {
            open(Scenario.Kind.PING_PONG);
        }
    }

    /** The fan-in workload. */
    @State(Scope.Benchmark)
    public static class FanIn extends Runtime {
        @Setup(Level.Trial)
        public void setup() throws Exception {
            open(Scenario.Kind.FAN_IN);
        }
    }

    /** The fan-out workload. */
    @State(Scope.Benchmark)
    public static class FanOut extends Runtime {
        @Setup(Level.Trial)
        public void setup() throws Exception {
            open(Scenario.Kind.FAN_OUT);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong(PingPong s) throws Exception {
        s.pingPong.run(ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(Scenario.FAN_IN_SENDERS * PER_SENDER)
    public void fanIn(FanIn s) throws Exception {
        s.fanIn.run(PER_SENDER);
    }

    @Benchmark
    @OperationsPerInvocation(Scenario.FAN_OUT_RECEIVERS * PER_RECEIVER)
    public void fanOut(FanOut s) throws Exception {
        s.fanOut.run(PER_RECEIVER);
    }
}
