package dev.sleet.metrics.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.RemoteBroadcast;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * {@link BackplaneMetrics} turns a backplane's named counters into meters: camel case to dots, current values as
 * gauges and totals as function counters reading the live value, from the backplane itself or through {@link Rooms}.
 */
class BackplaneMetersFromNamedCountersTest {
    /** A backplane that only counts: its counters are whatever the test puts in. */
    static final class CountingBackplane implements Backplane {
        final Map<String, Long> counters = new ConcurrentHashMap<>(Map.of(
                "published", 0L, "lostQueueFull", 0L, "outageMillis", 0L, "connected", 1L, "queued", 0L));

        @Override
        public String nodeId() {
            return "test-node";
        }

        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public void publish(RemoteBroadcast broadcast) {
            counters.merge("published", 1L, Long::sum);
        }

        @Override
        public void subscribe(String room) {
        }

        @Override
        public void unsubscribe(String room) {
        }

        @Override
        public void memberJoined(String room, long connectionId, Map<String, String> info) {
        }

        @Override
        public void memberLeft(String room, long connectionId) {
        }

        @Override
        public Map<String, Long> metrics() {
            return new TreeMap<>(counters);
        }
    }

    @Test
    void namesBecomeDottedMetersOfTheRightKind() {
        CountingBackplane backplane = new CountingBackplane();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new BackplaneMetrics(backplane, Tags.of("server", "a")).bindTo(registry);

        assertNotNull(registry.find("sleet.backplane.published").tag("server", "a").functionCounter());
        assertNotNull(registry.find("sleet.backplane.lost.queue.full").functionCounter());
        assertEquals("milliseconds", registry.find("sleet.backplane.outage").functionCounter().getId().getBaseUnit());
        assertNotNull(registry.find("sleet.backplane.connected").gauge());
        assertNotNull(registry.find("sleet.backplane.queued").gauge());
        assertNull(registry.find("sleet.backplane.connected").functionCounter(), "a current value is no counter");

        backplane.counters.put("published", 7L);
        backplane.counters.put("connected", 0L);
        assertEquals(7, registry.find("sleet.backplane.published").functionCounter().count());
        assertEquals(0, registry.find("sleet.backplane.connected").gauge().value());
    }

    @Test
    void throughRoomsTheBackplaneEntriesAreBound() {
        CountingBackplane backplane = new CountingBackplane();
        try (Rooms rooms = Rooms.builder().backplane(backplane).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            SleetMetrics.bind(registry, rooms, Tags.empty());
            backplane.counters.put("lostQueueFull", 3L);
            assertEquals(3, registry.find("sleet.backplane.lost.queue.full").functionCounter().count());
            assertNotNull(registry.find("sleet.rooms.broadcasts").functionCounter());
            assertNull(registry.find("sleet.rooms.backplane.published").meter(), "rooms' binder leaves them out");
        }
    }

    @Test
    void theLocalBackplaneBindsNothing() {
        try (Rooms rooms = Rooms.create()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new BackplaneMetrics(rooms, Tags.empty()).bindTo(registry);
            assertEquals(0, registry.getMeters().size());
        }
    }

    @Test
    void dottedNames() {
        assertEquals("lost.queue.full", BackplaneMetrics.dotted("lostQueueFull"));
        assertEquals("outage", BackplaneMetrics.dotted("outageMillis"));
        assertEquals("subscribed.rooms", BackplaneMetrics.dotted("subscribedRooms"));
        assertEquals("published", BackplaneMetrics.dotted("published"));
    }
}
