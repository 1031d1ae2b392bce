package dev.sleet.metrics.micrometer;

import dev.sleet.server.ListenerInfo;
import dev.sleet.server.ServerMetrics;
import dev.sleet.server.WebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a server's {@link ServerMetrics} to a registry: a function counter per total, a gauge per current value,
 * each read from {@link WebSocketServer#metrics()} when the registry is read. Meters hold the server weakly, as
 * Micrometer's function meters do: a stopped and dropped server is not kept alive by the registry (its meters then
 * read NaN). A stopped server that is still referenced keeps answering with its last counters.
 *
 * <table>
 *   <caption>Meters (every one carries the given tags)</caption>
 *   <tr><th>name</th><th>type</th><th>unit</th><th>from</th></tr>
 *   <tr><td>{@code sleet.connections.open}</td><td>gauge</td><td>connections</td><td>{@code openConnections}</td></tr>
 *   <tr><td>{@code sleet.handshakes}, tag {@code result=accepted|rejected}</td><td>counter</td><td>handshakes</td>
 *       <td>{@code acceptedHandshakes}, {@code rejectedHandshakes}</td></tr>
 *   <tr><td>{@code sleet.messages.in}, {@code sleet.messages.out}</td><td>counter</td><td>messages</td>
 *       <td>{@code messagesIn}, {@code messagesOut}</td></tr>
 *   <tr><td>{@code sleet.received}, {@code sleet.sent}</td><td>counter</td><td>bytes</td>
 *       <td>{@code bytesIn}, {@code bytesOut}</td></tr>
 *   <tr><td>{@code sleet.pings.sent}, {@code sleet.pongs.received}</td><td>counter</td><td>frames</td>
 *       <td>{@code pingsSent}, {@code pongsReceived}</td></tr>
 *   <tr><td>{@code sleet.heartbeat.timeouts}</td><td>counter</td>
 *       <td>connections</td><td>{@code heartbeatTimeouts}</td></tr>
 *   <tr><td>{@code sleet.slow.consumer.closes}</td><td>counter</td>
 *       <td>connections</td><td>{@code slowConsumerCloses}</td></tr>
 *   <tr><td>{@code sleet.slow.consumer.drops}</td><td>counter</td>
 *       <td>messages</td><td>{@code slowConsumerDrops}</td></tr>
 *   <tr><td>{@code sleet.handler.crashes}</td><td>counter</td><td>errors</td><td>{@code handlerCrashes}</td></tr>
 *   <tr><td>{@code sleet.protocol.errors}</td><td>counter</td><td>connections</td><td>{@code protocolErrors}</td></tr>
 *   <tr><td>{@code sleet.outbound.queued}</td><td>gauge</td><td>bytes</td><td>{@code queuedBytes}</td></tr>
 *   <tr><td>{@code sleet.listeners}, tags {@code listener} (address), {@code transport}, {@code secure}</td>
 *       <td>gauge (1 per listener)</td><td>listeners</td><td>{@link WebSocketServer#listeners()}</td></tr>
 * </table>
 *
 * <p>Tag the meters with what tells servers apart, e.g. {@code Tags.of("server", "chat")}: two servers bound to
 * one registry with the same tags would share (the first one's) meters, which is how Micrometer treats any
 * meter registered twice.
 */
public final class WebSocketServerMetrics implements MeterBinder {
    private final WebSocketServer server;
    private final Tags tags;

    /** Binds {@code server}'s meters with {@code tags} (may be empty). */
    public WebSocketServerMetrics(WebSocketServer server, Iterable<Tag> tags) {
        this.server = Objects.requireNonNull(server, "server");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "sleet.connections.open", "connections",
                "Connections whose upgrade completed and that have not ended",
                ServerMetrics::openConnections, tags);
        // One name, two results: a registry keeps one description per name.
        String handshakes = "Upgrades answered with 101 (accepted); requests answered with an HTTP error, sockets"
                + " refused over a connection limit and bad PROXY headers (rejected)";
        counter(registry, "sleet.handshakes", "handshakes", handshakes, ServerMetrics::acceptedHandshakes,
                tags.and("result", "accepted"));
        counter(registry, "sleet.handshakes", "handshakes", handshakes, ServerMetrics::rejectedHandshakes,
                tags.and("result", "rejected"));
        counter(registry, "sleet.messages.in", "messages", "Complete data messages received",
                ServerMetrics::messagesIn, tags);
        counter(registry, "sleet.messages.out", "messages",
                "Data messages queued for sending (a broadcast counts once per recipient)", ServerMetrics::messagesOut,
                tags);
        counter(registry, "sleet.received", BaseUnits.BYTES, "Bytes read from sockets (after TLS)",
                ServerMetrics::bytesIn, tags);
        counter(registry, "sleet.sent", BaseUnits.BYTES, "Bytes written to sockets (before TLS)",
                ServerMetrics::bytesOut, tags);
        counter(registry, "sleet.pings.sent", "frames", "Pings queued for sending (heartbeat and Connection.ping)",
                ServerMetrics::pingsSent, tags);
        counter(registry, "sleet.pongs.received", "frames", "Pongs received", ServerMetrics::pongsReceived, tags);
        counter(registry, "sleet.heartbeat.timeouts", "connections",
                "Connections closed because no matching pong arrived in time", ServerMetrics::heartbeatTimeouts, tags);
        counter(registry, "sleet.slow.consumer.closes", "connections",
                "Connections closed with 1008 because their outbound queue overflowed",
                ServerMetrics::slowConsumerCloses, tags);
        counter(registry, "sleet.slow.consumer.drops", "messages",
                "Messages dropped because a connection's outbound queue was full", ServerMetrics::slowConsumerDrops,
                tags);
        counter(registry, "sleet.handler.crashes", "errors", "Handler callbacks that threw",
                ServerMetrics::handlerCrashes, tags);
        counter(registry, "sleet.protocol.errors", "connections",
                "Connections failed for a protocol violation (1002, 1007, 1009)", ServerMetrics::protocolErrors, tags);
        gauge(registry, "sleet.outbound.queued", BaseUnits.BYTES, "Outbound bytes queued on all open connections",
                ServerMetrics::queuedBytes, tags);
        for (ListenerInfo l : server.listeners()) {
            Gauge.builder("sleet.listeners", server, s -> 1)
                    .description("The server's listeners (1 each), by bound address and transport")
                    .baseUnit("listeners")
                    .tags(tags.and(Tags.of("listener", address(l), "transport", l.transport(),
                            "secure", Boolean.toString(l.secure()))))
                    .register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String unit, String description,
            ToDoubleFunction<ServerMetrics> read, Iterable<Tag> meterTags) {
        // The function gets the server, never captures it: the meter's weak reference is the only one it holds.
        FunctionCounter.builder(name, server, s -> read.applyAsDouble(s.metrics()))
                .description(description).baseUnit(unit).tags(meterTags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
            ToDoubleFunction<ServerMetrics> read, Iterable<Tag> meterTags) {
        Gauge.builder(name, server, s -> read.applyAsDouble(s.metrics()))
                .description(description).baseUnit(unit).tags(meterTags).register(registry);
    }

    /** {@code host:port} with the literal address, e.g. {@code 127.0.0.1:8080} or {@code [::]:8080}. */
    static String address(ListenerInfo l) {
        String host = l.address().getAddress() != null ? l.address().getAddress().getHostAddress()
                : l.address().getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + l.address().getPort();
    }
}
