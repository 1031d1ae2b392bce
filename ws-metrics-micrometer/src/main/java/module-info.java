/**
 * Micrometer binders for Sleet: {@link dev.sleet.metrics.micrometer.WebSocketServerMetrics} (a server's
 * {@code ServerMetrics} and its listeners), {@link dev.sleet.metrics.micrometer.RoomsMetrics},
 * {@link dev.sleet.metrics.micrometer.BackplaneMetrics} and
 * {@link dev.sleet.metrics.micrometer.PerMessageDeflateMetrics}, each a {@code MeterBinder}; and
 * {@link dev.sleet.metrics.micrometer.SleetMetrics} to bind them in one call. Meters read the live values when the
 * registry is read (function counters and gauges) and hold what they read weakly.
 */
module dev.sleet.metrics.micrometer {
    requires transitive dev.sleet.server;
    requires transitive dev.sleet.rooms;
    requires transitive dev.sleet.deflate;
    // micrometer-core 1.17.2 is an automatic module (Automatic-Module-Name: micrometer.core); its API types
    // (MeterRegistry, Tags, MeterBinder) appear in this module's API, hence transitive.
    requires transitive micrometer.core;

    // API
    exports dev.sleet.metrics.micrometer;
}
