package dev.sleet.metrics.micrometer;

import dev.sleet.rooms.Rooms;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Binds {@link Rooms#metrics()} to a registry, read when the registry is read; the meters hold {@code rooms}
 * weakly. The backplane's counters (the {@code backplane.*} entries) are {@link BackplaneMetrics}' business.
 *
 * <table>
 *   <caption>Meters (every one carries the given tags)</caption>
 *   <tr><th>name</th><th>type</th><th>unit</th><th>from</th></tr>
 *   <tr><td>{@code sleet.rooms.broadcasts}</td><td>counter</td><td>broadcasts</td><td>{@code broadcasts}</td></tr>
 *   <tr><td>{@code sleet.rooms.deliveries}</td><td>counter</td><td>messages</td><td>{@code deliveries}</td></tr>
 *   <tr><td>{@code sleet.rooms.undelivered}</td><td>counter</td><td>messages</td><td>{@code undelivered}</td></tr>
 *   <tr><td>{@code sleet.rooms.remote.broadcasts}</td><td>counter</td>
 *       <td>broadcasts</td><td>{@code remoteBroadcasts}</td></tr>
 *   <tr><td>{@code sleet.rooms.active}</td><td>gauge</td><td>rooms</td><td>{@code rooms}</td></tr>
 *   <tr><td>{@code sleet.rooms.members}</td><td>gauge</td><td>connections</td><td>{@code connections}</td></tr>
 * </table>
 */
public final class RoomsMetrics implements MeterBinder {
    private final Rooms rooms;
    private final Tags tags;

    /** Binds {@code rooms}' meters with {@code tags} (may be empty). */
    public RoomsMetrics(Rooms rooms, Iterable<Tag> tags) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "sleet.rooms.broadcasts", "broadcasts", "broadcasts",
                "Broadcasts made on this node");
        counter(registry, "sleet.rooms.deliveries", "deliveries", "messages",
                "Broadcast messages queued to local members");
        counter(registry, "sleet.rooms.undelivered", "undelivered", "messages",
                "Broadcast messages a local member did not take (closing or over its outbound limit)");
        counter(registry, "sleet.rooms.remote.broadcasts", "remoteBroadcasts", "broadcasts",
                "Broadcasts received from other nodes through the backplane");
        gauge(registry, "sleet.rooms.active", "rooms", "rooms", "Rooms with at least one local member");
        gauge(registry, "sleet.rooms.members", "connections", "connections",
                "Local connections that are in at least one room");
    }

    private void counter(MeterRegistry registry, String name, String key, String unit, String description) {
        FunctionCounter.builder(name, rooms, r -> read(r, key))
                .description(description).baseUnit(unit).tags(tags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String key, String unit, String description) {
        Gauge.builder(name, rooms, r -> read(r, key))
                .description(description).baseUnit(unit).tags(tags).register(registry);
    }

    private static double read(Rooms rooms, String key) {
        Long v = rooms.metrics().get(key);
        return v == null ? Double.NaN : v;
    }
}
