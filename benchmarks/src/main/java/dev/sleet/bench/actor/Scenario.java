package dev.sleet.bench.actor;

/**
 * One actor workload, built the same way on each runtime under comparison. {@link #run(int)} starts a round
 * of work and returns when the round is complete; the actors are created once, in the constructor of each
 * implementation, so that a round measures messaging only.
 */
public interface Scenario extends AutoCloseable {

    /** Number of sender actors in the fan-in workload. */
    int FAN_IN_SENDERS = 8;
    /** Number of receiver actors in the fan-out workload. */
    int FAN_OUT_RECEIVERS = 16;

    /**
     * Runs one round.
     *
     * @param n round trips (ping-pong), messages per sender (fan-in) or messages per receiver (fan-out)
     * @throws Exception if the round fails or times out
     */
    void run(int n) throws Exception;

    /** The three workloads. */
    enum Kind { PING_PONG, FAN_IN, FAN_OUT }

    /**
     * Builds a workload on one runtime.
     *
     * @param runtime {@code sleet}, {@code pekko} or {@code executor}
     * @param kind    the workload
     * @param threads worker threads of the runtime
     * @return the ready workload
     * @throws Exception if the runtime fails to start
     */
    static Scenario create(String runtime, Kind kind, int threads) throws Exception {
        return switch (runtime) {
            case "sleet" -> new SleetScenario(kind, threads);
            case "pekko" -> new PekkoScenario(kind, threads);
            case "executor" -> new ExecutorScenario(kind, threads);
            default -> throw new IllegalArgumentException("unknown runtime " + runtime);
        };
    }
}
