package dev.sleet.metrics.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.ServerMetrics;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The binders against a real server on 127.0.0.1, port 0, talked to by the JDK's WebSocket client: what the registry
 * reads is what {@code server.metrics()} and {@code rooms.metrics()} say, every meter carries the given tags, and a
 * stopped server still scrapes.
 */
class MetersOnLoopbackServerTest {
    static final Tags TAGS = Tags.of("server", "test");

    Rooms rooms;
    WebSocketServer server;
    SimpleMeterRegistry registry;
    HttpClient http;

    @BeforeEach
    void start() throws Exception {
        rooms = Rooms.create();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new WebSocketHandler() {
            @Override
            public void onOpen(Connection c) {
                rooms.join(c, "all");
            }

            @Override
            public void onMessage(Connection c, Message m) {
                rooms.broadcast("all", ((Message.Text) m).text());
            }
        }).start();
        registry = new SimpleMeterRegistry();
        SleetMetrics.bind(registry, server, TAGS);
        SleetMetrics.bind(registry, rooms, TAGS);
        SleetMetrics.bindDeflate(registry, TAGS);
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        server.close();
        rooms.close();
        http.close();
    }

    /** Opens a client, sends {@code n} messages and waits for their {@code n} broadcasts back. */
    private WebSocket chat(int n) throws Exception {
        CountDownLatch got = new CountDownLatch(n);
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        got.countDown();
                        w.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            ws.sendText("hello " + i + " — ünïcode", true).get(5, TimeUnit.SECONDS);
        }
        assertTrue(got.await(10, TimeUnit.SECONDS), "every broadcast came back");
        return ws;
    }

    /** A snapshot read twice the same: no counter moved while the registry was read between the two reads. */
    private ServerMetrics settled() throws InterruptedException {
        ServerMetrics before = server.metrics();
        for (int i = 0; i < 200; i++) {
            Thread.sleep(10);
            ServerMetrics now = server.metrics();
            if (now.equals(before)) {
                return now;
            }
            before = now;
        }
        return before;
    }

    private double counter(String name, Tags tags) {
        FunctionCounter c = registry.find(name).tags(tags).functionCounter();
        assertNotNull(c, name + " " + tags);
        return c.count();
    }

    private double gauge(String name, Tags tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        assertNotNull(g, name + " " + tags);
        return g.value();
    }

    @Test
    void countersReadThroughTheRegistryEqualServerMetrics() throws Exception {
        WebSocket a = chat(5);
        WebSocket b = chat(3);
        ServerMetrics m;
        do { // read the registry between two equal snapshots
            m = settled();
            assertEquals(m.messagesIn(), counter("sleet.messages.in", TAGS));
            assertEquals(m.messagesOut(), counter("sleet.messages.out", TAGS));
            assertEquals(m.bytesIn(), counter("sleet.received", TAGS));
            assertEquals(m.bytesOut(), counter("sleet.sent", TAGS));
            assertEquals(m.acceptedHandshakes(), counter("sleet.handshakes", TAGS.and("result", "accepted")));
            assertEquals(m.rejectedHandshakes(), counter("sleet.handshakes", TAGS.and("result", "rejected")));
            assertEquals(m.pingsSent(), counter("sleet.pings.sent", TAGS));
            assertEquals(m.pongsReceived(), counter("sleet.pongs.received", TAGS));
            assertEquals(m.heartbeatTimeouts(), counter("sleet.heartbeat.timeouts", TAGS));
            assertEquals(m.slowConsumerCloses(), counter("sleet.slow.consumer.closes", TAGS));
            assertEquals(m.slowConsumerDrops(), counter("sleet.slow.consumer.drops", TAGS));
            assertEquals(m.handlerCrashes(), counter("sleet.handler.crashes", TAGS));
            assertEquals(m.protocolErrors(), counter("sleet.protocol.errors", TAGS));
            assertEquals(m.openConnections(), gauge("sleet.connections.open", TAGS));
            assertEquals(m.queuedBytes(), gauge("sleet.outbound.queued", TAGS));
        } while (!m.equals(server.metrics()));
        assertEquals(8, m.messagesIn());
        assertEquals(2, m.openConnections());
        assertEquals(2, m.acceptedHandshakes());

        ToLongFunction<String> room = k -> rooms.metrics().get(k);
        assertEquals(room.applyAsLong("broadcasts"), counter("sleet.rooms.broadcasts", TAGS));
        assertEquals(room.applyAsLong("deliveries"), counter("sleet.rooms.deliveries", TAGS));
        assertEquals(room.applyAsLong("undelivered"), counter("sleet.rooms.undelivered", TAGS));
        assertEquals(room.applyAsLong("remoteBroadcasts"), counter("sleet.rooms.remote.broadcasts", TAGS));
        assertEquals(1, gauge("sleet.rooms.active", TAGS));
        assertEquals(2, gauge("sleet.rooms.members", TAGS));
        assertEquals(8, counter("sleet.rooms.broadcasts", TAGS));

        assertEquals(0, gauge("sleet.deflate.deflaters", TAGS.and("state", "in.use")));
        a.abort();
        b.abort();
    }

    @Test
    void everyMeterCarriesTheTagsAndListenersAreTagged() {
        assertFalse(registry.getMeters().isEmpty());
        for (Meter meter : registry.getMeters()) {
            assertEquals("test", meter.getId().getTag("server"), meter.getId().toString());
            assertNotNull(meter.getId().getDescription(), meter.getId().toString());
        }
        Gauge listener = registry.find("sleet.listeners").tags(TAGS).gauge();
        assertNotNull(listener);
        assertEquals("127.0.0.1:" + server.port(), listener.getId().getTag("listener"));
        assertEquals(server.transport(), listener.getId().getTag("transport"));
        assertEquals("false", listener.getId().getTag("secure"));
        assertEquals(1, listener.value());
        assertEquals("bytes", registry.find("sleet.sent").functionCounter().getId().getBaseUnit());
    }

    @Test
    void aStoppedServerStillScrapes() throws Exception {
        chat(2).abort();
        server.shutdown(Duration.ofSeconds(5));
        for (Meter meter : registry.getMeters()) {
            meter.measure().forEach(ms -> assertFalse(Double.isInfinite(ms.getValue()), meter.getId().toString()));
        }
        assertEquals(2, counter("sleet.messages.in", TAGS));
        assertEquals(0, gauge("sleet.connections.open", TAGS));
    }

    @Test
    void aDroppedServerIsNotKeptAliveByItsMeters() throws Exception {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        WebSocketServer other = WebSocketServer.builder().host("127.0.0.1").port(0).handler((c, m) -> { }).start();
        new WebSocketServerMetrics(other, Tags.of("server", "dropped")).bindTo(own);
        assertEquals(0, own.find("sleet.connections.open").gauge().value());
        other.close();
        java.lang.ref.WeakReference<WebSocketServer> ref = new java.lang.ref.WeakReference<>(other);
        other = null;
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(ref.get() == null, "the registry let the stopped server go");
        // Micrometer's idiom for a source that is gone: a gauge reads NaN, a function counter keeps its last count.
        assertTrue(Double.isNaN(own.find("sleet.connections.open").gauge().value()), "a gone server's gauge is NaN");
        assertEquals(0, own.find("sleet.messages.in").functionCounter().count());
    }
}
