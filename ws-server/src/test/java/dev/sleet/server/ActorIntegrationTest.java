package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.actor.Actor;
import dev.sleet.actor.ActorContext;
import dev.sleet.actor.ActorRef;
import dev.sleet.actor.Signal;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection actor: user messages share the mailbox with frames but stay distinct (ACTOR-02), watchers hear
 * when a connection ends (ACTOR-06), and a blocked handler delays only its own connection (ACTOR-07).
 */
@ExtendWith(HandlerThreads.class)
class ActorIntegrationTest {

    @Test
    void tellArrivesInOnInfoOrderedWithFrames() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        WebSocketHandler h = new WebSocketHandler() {
            @Override
            public void onMessage(Connection c, Message m) {
                HandlerThreads.record("onMessage");
                String text = ((Message.Text) m).text();
                seen.add("msg:" + text);
                c.tell("after-" + text); // queued behind frames already in the mailbox
            }

            @Override
            public void onInfo(Connection c, Object message) {
                HandlerThreads.record("onInfo");
                seen.add("info:" + message);
                c.send("info:" + message);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("a");
            assertEquals("info:after-a", ws.readFrame(Duration.ofSeconds(5)).text());
            ws.sendText("b");
            assertEquals("info:after-b", ws.readFrame(Duration.ofSeconds(5)).text());
            assertEquals(List.of("msg:a", "info:after-a", "msg:b", "info:after-b"), seen);
        }
    }

    @Test
    void watcherHearsWhenTheClientDisconnects() throws Exception {
        BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
        BlockingQueue<Connection> opened = new LinkedBlockingQueue<>();
        CountDownLatch watching = new CountDownLatch(1);
        WebSocketHandler h = new WebSocketHandler() {
            @Override
            public void onOpen(Connection c) {
                HandlerThreads.record("onOpen");
                opened.add(c);
            }

            @Override
            public void onMessage(Connection c, Message m) {
                HandlerThreads.record("onMessage");
            }

            @Override
            public void onClose(Connection c, dev.sleet.frame.CloseStatus status) {
                HandlerThreads.record("onClose");
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h).start()) {
            ActorRef<ActorRef<?>> watcher = server.actorSystem().spawn(new Actor<ActorRef<?>>() {
                @Override
                public void onMessage(ActorContext<ActorRef<?>> ctx, ActorRef<?> target) {
                    ctx.watch(target);
                    watching.countDown();
                }

                @Override
                public void onSignal(ActorContext<ActorRef<?>> ctx, Signal signal) {
                    signals.add(signal);
                }
            });
            RawWebSocket ws = RawWebSocket.connect(server.port());
            Connection c = opened.poll(5, TimeUnit.SECONDS);
            assertNotNull(c);
            watcher.tell(c.actor());
            assertTrue(watching.await(30, TimeUnit.SECONDS), "the watcher is watching");
            ws.close(); // the client goes away
            Signal s = signals.poll(5, TimeUnit.SECONDS);
            assertNotNull(s, "the watcher was told");
            assertTrue(s instanceof Signal.Terminated t && t.ref().id() == c.actor().id(), String.valueOf(s));
        }
    }

    @Test
    void blockingHandlerOnVirtualThreadsDoesNotStallOthers() throws Exception {
        assertOthersUnaffected(WebSocketServer.builder().workers(1).blockingHandlers(true));
    }

    @Test
    void blockingHandlerOnAWorkerDoesNotStallOtherConnectionsIo() throws Exception {
        assertOthersUnaffected(WebSocketServer.builder().workers(4));
    }

    /**
     * While one connection's handler is blocked (it waits on a latch that only the test opens), another
     * connection is served twenty times: the events are recorded in order and must read "blocked", the twenty
     * echoes, then "released". A server that ran both connections on the blocked thread would serve none of the
     * twenty until the release, and the test would fail (no echo within 30 s) instead of timing anything.
     */
    private static void assertOthersUnaffected(WebSocketServer.Builder builder) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WebSocketHandler h = new WebSocketHandler() {
            @Override
            public void onMessage(Connection c, Message m) throws Exception {
                HandlerThreads.record("onMessage");
                String text = ((Message.Text) m).text();
                if (text.equals("block")) {
                    events.add("blocked");
                    blocked.countDown();
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        events.add("never released");
                    }
                    events.add("released");
                } else {
                    events.add(text);
                }
                c.send(text);
            }
        };
        try (WebSocketServer server = builder.host("127.0.0.1").port(0).handler(h).start();
                RawWebSocket slow = RawWebSocket.connect(server.port());
                RawWebSocket fast = RawWebSocket.connect(server.port())) {
            slow.sendText("block");
            assertTrue(blocked.await(30, TimeUnit.SECONDS), "the slow handler started");
            List<String> expected = new java.util.ArrayList<>(List.of("blocked"));
            for (int i = 0; i < 20; i++) {
                fast.sendText("quick " + i);
                RawWebSocket.Frame echo = nextNonPing(fast); // a stalled connection would see heartbeat pings only
                assertNotNull(echo, "quick " + i + " was not served while the other handler was blocked");
                assertEquals("quick " + i, echo.text());
                expected.add("quick " + i);
            }
            release.countDown();
            RawWebSocket.Frame late = nextNonPing(slow);
            assertNotNull(late, "the released handler answered");
            assertEquals("block", late.text());
            expected.add("released");
            assertEquals(expected, events, "all twenty were served while the first handler was still blocked");
        } finally {
            release.countDown();
        }
    }

    /** The next frame that is not a ping (answering pings on the way), or null when none came within 30 s. */
    private static RawWebSocket.Frame nextNonPing(RawWebSocket ws) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long left = deadline - System.nanoTime();
            RawWebSocket.Frame f = left > 0 ? ws.readFrame(Duration.ofNanos(left)) : null;
            if (f == null || f.opcode() != dev.sleet.frame.Opcode.PING) {
                return f;
            }
            ws.sendFrame(true, 0, dev.sleet.frame.Opcode.PONG, f.payload());
        }
    }
}
