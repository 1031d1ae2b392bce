package dev.sleet.metrics.micrometer;

import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.spi.Backplane;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds a backplane's named counters ({@link Backplane#metrics()}) to a registry. Each name present when the binder
 * binds becomes a meter {@code sleet.backplane.<name>}, the camel case turned into dots ({@code lostQueueFull} →
 * {@code sleet.backplane.lost.queue.full}). The names that are current values rather than totals —
 * {@code connected}, {@code queued}, {@code subscribedRooms} (Redis backplane) — are gauges; every other name is a
 * function counter. A backplane with no counters (the local one) binds nothing.
 *
 * <p>From a {@link Backplane} or, since {@code Rooms} does not hand out its backplane, from the {@code backplane.*}
 * entries of {@link Rooms#metrics()}. The meters hold their source weakly.
 */
public final class BackplaneMetrics implements MeterBinder {
    /** Backplane entries that are current values, not totals. */
    static final Set<String> GAUGES = Set.of("connected", "queued", "subscribedRooms");

    private final Object source;
    private final Function<Object, Map<String, Long>> read;
    private final Tags tags;

    /** The meters of {@code backplane}'s counters, with {@code tags} (may be empty). */
    public BackplaneMetrics(Backplane backplane, Iterable<Tag> tags) {
        this(Objects.requireNonNull(backplane, "backplane"), b -> ((Backplane) b).metrics(), tags);
    }

    /** The meters of the counters of the backplane behind {@code rooms}, with {@code tags} (may be empty). */
    public BackplaneMetrics(Rooms rooms, Iterable<Tag> tags) {
        this(Objects.requireNonNull(rooms, "rooms"), BackplaneMetrics::ofRooms, tags);
    }

    private BackplaneMetrics(Object source, Function<Object, Map<String, Long>> read, Iterable<Tag> tags) {
        this.source = source;
        this.read = read;
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Function<Object, Map<String, Long>> r = read; // the meters' functions must not capture 'this.source'
        for (String key : read.apply(source).keySet()) {
            String name = "sleet.backplane." + dotted(key);
            String description = "Backplane counter '" + key + "'";
            if (GAUGES.contains(key)) {
                Gauge.builder(name, source, s -> value(r.apply(s), key))
                        .description(description).tags(tags).register(registry);
            } else {
                FunctionCounter.builder(name, source, s -> value(r.apply(s), key))
                        .description(description).baseUnit(key.endsWith("Millis") ? "milliseconds" : null)
                        .tags(tags).register(registry);
            }
        }
    }

    private static Map<String, Long> ofRooms(Object rooms) {
        Map<String, Long> all = ((Rooms) rooms).metrics();
        Map<String, Long> m = new java.util.TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("backplane.")) {
                m.put(k.substring("backplane.".length()), v);
            }
        });
        return m;
    }

    private static double value(Map<String, Long> m, String key) {
        Long v = m.get(key);
        return v == null ? Double.NaN : v;
    }

    /** {@code lostQueueFull} → {@code lost.queue.full}; {@code outageMillis} → {@code outage} (unit: ms). */
    static String dotted(String key) {
        String k = key.endsWith("Millis") ? key.substring(0, key.length() - "Millis".length()) : key;
        StringBuilder sb = new StringBuilder(k.length() + 4);
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('.').append(Character.toLowerCase(c));
            } else if (Character.isLetterOrDigit(c)) {
                sb.append(c);
            } else {
                sb.append('.');
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
