package dev.sleet.metrics.micrometer;

import dev.sleet.deflate.DeflateMetrics;
import dev.sleet.deflate.PerMessageDeflate;
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
 * Binds permessage-deflate's process-wide counters ({@link PerMessageDeflate#metrics()}: the zlib objects are
 * pooled for the whole process, so these are not per server) to a registry. Bind it once per registry.
 *
 * <table>
 *   <caption>Meters (every one carries the given tags)</caption>
 *   <tr><th>name</th><th>type</th><th>unit</th><th>from</th></tr>
 *   <tr><td>{@code sleet.deflate.deflaters}, tag {@code state=in.use|pooled}</td><td>gauge</td><td>deflaters</td>
 *       <td>{@code deflatersInUse()}, {@code deflatersPooled}</td></tr>
 *   <tr><td>{@code sleet.deflate.inflaters}, tag {@code state=in.use|pooled}</td><td>gauge</td><td>inflaters</td>
 *       <td>{@code inflatersInUse()}, {@code inflatersPooled}</td></tr>
 *   <tr><td>{@code sleet.deflate.messages.compressed}</td><td>counter</td>
 *       <td>messages</td><td>{@code messagesCompressed}</td></tr>
 *   <tr><td>{@code sleet.deflate.messages.uncompressed}</td><td>counter</td>
 *       <td>messages</td><td>{@code messagesUncompressed}</td></tr>
 *   <tr><td>{@code sleet.deflate.compression.input}</td><td>counter</td>
 *       <td>bytes</td><td>{@code bytesBeforeCompression}</td></tr>
 *   <tr><td>{@code sleet.deflate.compression.output}</td><td>counter</td>
 *       <td>bytes</td><td>{@code bytesAfterCompression}</td></tr>
 *   <tr><td>{@code sleet.deflate.messages.inflated}</td><td>counter</td>
 *       <td>messages</td><td>{@code messagesInflated}</td></tr>
 *   <tr><td>{@code sleet.deflate.inflated}</td><td>counter</td><td>bytes</td><td>{@code bytesInflated}</td></tr>
 * </table>
 */
public final class PerMessageDeflateMetrics implements MeterBinder {
    private final Tags tags;

    /** Binds the deflate meters with {@code tags} (may be empty). */
    public PerMessageDeflateMetrics(Iterable<Tag> tags) {
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String deflaters = "Deflaters held by connections or borrowed (in.use), or idle in the pool (pooled)";
        String inflaters = "Inflaters held by connections or borrowed (in.use), or idle in the pool (pooled)";
        gauge(registry, "sleet.deflate.deflaters", "deflaters", deflaters,
                DeflateMetrics::deflatersInUse, tags.and("state", "in.use"));
        gauge(registry, "sleet.deflate.deflaters", "deflaters", deflaters,
                DeflateMetrics::deflatersPooled, tags.and("state", "pooled"));
        gauge(registry, "sleet.deflate.inflaters", "inflaters", inflaters,
                DeflateMetrics::inflatersInUse, tags.and("state", "in.use"));
        gauge(registry, "sleet.deflate.inflaters", "inflaters", inflaters,
                DeflateMetrics::inflatersPooled, tags.and("state", "pooled"));
        counter(registry, "sleet.deflate.messages.compressed", "messages", "Messages sent compressed (RSV1)",
                DeflateMetrics::messagesCompressed);
        counter(registry, "sleet.deflate.messages.uncompressed", "messages",
                "Messages the extension let through uncompressed", DeflateMetrics::messagesUncompressed);
        counter(registry, "sleet.deflate.compression.input", BaseUnits.BYTES,
                "Payload bytes of the compressed messages", DeflateMetrics::bytesBeforeCompression);
        counter(registry, "sleet.deflate.compression.output", BaseUnits.BYTES,
                "Compressed payload bytes of those messages", DeflateMetrics::bytesAfterCompression);
        counter(registry, "sleet.deflate.messages.inflated", "messages",
                "Compressed messages received and decompressed", DeflateMetrics::messagesInflated);
        counter(registry, "sleet.deflate.inflated", BaseUnits.BYTES, "Decompressed bytes produced",
                DeflateMetrics::bytesInflated);
    }

    private void counter(MeterRegistry registry, String name, String unit, String description,
            ToDoubleFunction<DeflateMetrics> read) {
        // The source is the class: process-wide counters, nothing to keep alive or to let go of.
        FunctionCounter.builder(name, PerMessageDeflate.class, c -> read.applyAsDouble(PerMessageDeflate.metrics()))
                .description(description).baseUnit(unit).tags(tags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
            ToDoubleFunction<DeflateMetrics> read, Iterable<Tag> meterTags) {
        Gauge.builder(name, PerMessageDeflate.class, c -> read.applyAsDouble(PerMessageDeflate.metrics()))
                .description(description).baseUnit(unit).tags(meterTags).register(registry);
    }
}
