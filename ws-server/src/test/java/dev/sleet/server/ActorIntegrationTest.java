package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connection actor: user messages share the mailbox with frames but stay distinct (ACTOR-02), watchers hear
 * when a connection ends (ACTOR-06), and a blocked handler delays only its own connection (ACTOR-07).
 */
class ActorIntegrationTest {

    @Test
    void tellArrivesInOnInfoOrderedWithFrames() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        WebSocketHandler h = new WebSocketHandler() {
            @Override
            public void onMessage(Connection c, Message m) {
                String text = ((Message.Text) m).text();
                seen.add("msg:" + text);
                c.tell("after-" + text); // queued behind frames already in the mailbox
            }

            @Override
            public void onInfo(Connection c, Object message) {
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
        WebSocketHandler h = new WebSocketHandler() {
            @Override
            public void onOpen(Connection c) {
                opened.add(c);
            }

            @Override
            public void onMessage(Connection c, Message m) {
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h).start()) {
            ActorRef<ActorRef<?>> watcher = server.actorSystem().spawn(new Actor<ActorRef<?>>() {
                @Override
                public void onMessage(ActorContext<ActorRef<?>> ctx, ActorRef<?> target) {
                    ctx.watch(target);
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
            Thread.sleep(100);
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

    private static void assertOthersUnaffected(WebSocketServer.Builder builder) throws Exception {
        WebSocketHandler h = new WebSocketHandler() {
            @Override
            public void onMessage(Connection c, Message m) throws Exception {
                String text = ((Message.Text) m).text();
                if (text.equals("block")) {
                    Thread.sleep(3000);
                }
                c.send(text);
            }
        };
        try (WebSocketServer server = builder.host("127.0.0.1").port(0).handler(h).start();
                RawWebSocket slow = RawWebSocket.connect(server.port());
                RawWebSocket fast = RawWebSocket.connect(server.port())) {
            slow.sendText("block");
            Thread.sleep(100);
            for (int i = 0; i < 20; i++) {
                fast.sendText("quick " + i);
                assertEquals("quick " + i, fast.readFrame(Duration.ofSeconds(2)).text());
            }
            // all twenty were served while the first handler was still blocked: its answer has not come yet
            assertNull(slow.readFrame(Duration.ofMillis(1)), "the blocked handler had not finished");
            assertEquals("block", slow.readFrame(Duration.ofSeconds(5)).text());
        }
    }
}
