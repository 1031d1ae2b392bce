package dev.sleet.bench.client;

/**
 * <b>ABSENT DRIVER — not built yet.</b> The slot for Sleet's own client ({@code ws-client},
 * {@code dev.sleet.client.WebSocketClient}), which does not exist on this branch. This class measures nothing and
 * implements nothing: {@link ClientDrivers} lists {@code sleet} as absent with {@link #ABSENT} as the reason, and
 * the benchmark reports {@code "sleet: driver not built yet"} and leaves it out of every run.
 *
 * <p>To plug the client in (once {@code ws-client} can connect):
 * <ol>
 *   <li>add {@code ws-client} (and {@code ws-core}) to {@code benchmarks/pom.xml};</li>
 *   <li>make this class {@code implements ClientDriver} with a constructor {@code SleetClientDriver(Options o)}
 *       building one {@code WebSocketClient} ({@code eventLoops(o.ioThreads())}, {@code workers(o.ioThreads())},
 *       {@code sslContext(o.trustingContext())}); {@code connect(uri, inbound)} calls
 *       {@code client.connect(uri, handler)} with a {@code ConnectionHandler} whose {@code onMessage} passes
 *       {@code Message.Text.text()} to {@code inbound.onText} and {@code Message.Binary.data()} to
 *       {@code inbound.onBinary}, and whose {@code onClose} calls {@code inbound.onClosed(code, reason)}; the
 *       {@code Session} maps {@code sendText}/{@code sendBinary} to {@code Connection.send(...)} (a
 *       {@code SendResult} other than accepted is an error: call {@code inbound.onError}), {@code flush()} to
 *       nothing, and {@code close()} to {@code connection.close(1000, "")} + {@code closeFuture()};
 *       {@code close()} of the driver to {@code client.close()};</li>
 *   <li>in {@link ClientDrivers}, replace the {@code sleet} entry's {@code null, SleetClientDriver.ABSENT} by
 *       {@code SleetClientDriver::new, null}, and delete {@link #ABSENT};</li>
 *   <li>run {@code ClientDriverEchoTest} (it runs every available driver against a real Sleet server) and
 *       {@code ./sleet bench client --clients sleet,netty,jdk}.</li>
 * </ol>
 */
public final class SleetClientDriver {
    /** Why the driver is absent; shown by the benchmark. */
    public static final String ABSENT = "driver not built yet";

    private SleetClientDriver() {
    }
}
