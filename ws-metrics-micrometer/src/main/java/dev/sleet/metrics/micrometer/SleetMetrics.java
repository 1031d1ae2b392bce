package dev.sleet.metrics.micrometer;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.Objects;

/**
 * One-call binding: {@code SleetMetrics.bind(registry, server, Tags.of("server", "chat"))}. Each method is the
 * matching binder's {@code bindTo}; use the binders themselves where a framework collects {@code MeterBinder}s.
 */
public final class SleetMetrics {
    private SleetMetrics() {
    }

    /** Binds {@code server}'s meters ({@link WebSocketServerMetrics}). */
    public static void bind(MeterRegistry registry, WebSocketServer server, Iterable<Tag> tags) {
        new WebSocketServerMetrics(server, tags).bindTo(Objects.requireNonNull(registry, "registry"));
    }

    /** Binds {@code rooms}' meters and its backplane's ({@link RoomsMetrics}, {@link BackplaneMetrics}). */
    public static void bind(MeterRegistry registry, Rooms rooms, Iterable<Tag> tags) {
        Objects.requireNonNull(registry, "registry");
        new RoomsMetrics(rooms, tags).bindTo(registry);
        new BackplaneMetrics(rooms, tags).bindTo(registry);
    }

    /** Binds permessage-deflate's process-wide meters ({@link PerMessageDeflateMetrics}); once per registry. */
    public static void bindDeflate(MeterRegistry registry, Iterable<Tag> tags) {
        new PerMessageDeflateMetrics(tags).bindTo(Objects.requireNonNull(registry, "registry"));
    }
}
