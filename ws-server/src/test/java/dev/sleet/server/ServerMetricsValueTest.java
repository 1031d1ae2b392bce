package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerMetrics} is a value class that can gain counters without breaking its users: no public constructor
 * (a record's canonical constructor would change with every new counter), accessors named as before, value
 * equality, and a {@code toString} that names every counter.
 */
class ServerMetricsValueTest {
    static ServerMetrics sample() {
        return ServerMetrics.builder().openConnections(1).acceptedHandshakes(2).rejectedHandshakes(3).messagesIn(4)
                .messagesOut(5).bytesIn(6).bytesOut(7).pingsSent(8).pongsReceived(9).heartbeatTimeouts(10)
                .slowConsumerCloses(11).slowConsumerDrops(12).handlerCrashes(13).protocolErrors(14).queuedBytes(15)
                .build();
    }

    @Test
    void accessorsReturnWhatWasBuiltAndUnsetCountersAreZero() {
        ServerMetrics m = sample();
        long[] values = {m.openConnections(), m.acceptedHandshakes(), m.rejectedHandshakes(), m.messagesIn(),
                m.messagesOut(), m.bytesIn(), m.bytesOut(), m.pingsSent(), m.pongsReceived(), m.heartbeatTimeouts(),
                m.slowConsumerCloses(), m.slowConsumerDrops(), m.handlerCrashes(), m.protocolErrors(),
                m.queuedBytes()};
        for (int i = 0; i < values.length; i++) {
            assertEquals(i + 1, values[i]);
        }
        assertEquals(0, ServerMetrics.builder().build().bytesIn());
    }

    @Test
    void equalityHashAndTextCoverEveryCounter() {
        assertEquals(sample(), sample());
        assertEquals(sample().hashCode(), sample().hashCode());
        assertNotEquals(sample(), ServerMetrics.builder().openConnections(1).build());
        String text = sample().toString();
        assertTrue(text.startsWith("ServerMetrics[openConnections=1, "), text);
        assertTrue(text.endsWith("protocolErrors=14, queuedBytes=15]"), text);
    }

    @Test
    void hasNoPublicConstructorAndIsNotARecord() {
        assertFalse(ServerMetrics.class.isRecord());
        assertTrue(Modifier.isFinal(ServerMetrics.class.getModifiers()));
        for (Constructor<?> c : ServerMetrics.class.getDeclaredConstructors()) {
            assertFalse(Modifier.isPublic(c.getModifiers()), c.toString());
        }
    }

    @Test
    void aRunningServerFillsTheSnapshot() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).start()) {
            ServerMetrics m = server.metrics();
            assertEquals(0, m.openConnections());
            assertEquals(0, m.queuedBytes());
            assertEquals(m, server.metrics(), "an idle server's snapshots are equal");
        }
    }
}
