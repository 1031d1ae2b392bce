package dev.sleet.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rooms on a real server over loopback: clients join by path ({@code /room-name}), every text message is
 * broadcast to the room except its sender (ROOM-03, ROOM-04), members leave when they disconnect (ROOM-05), and a
 * member that never reads is dropped by its own slow-consumer policy while the others keep receiving.
 */
class RoomsEndToEndTest {
    Rooms rooms;
    WebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        rooms = Rooms.create();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxQueuedBytes(1 << 20)
                .handler(new WebSocketHandler() {
                    @Override
                    public ConnectDecision onConnect(UpgradeRequest request) {
                        return ConnectDecision.accept(request.path().substring(1));
                    }

                    @Override
                    public void onOpen(Connection c) {
                        rooms.join(c, c.state(String.class));
                        c.send("joined " + c.state(String.class));
                    }

                    @Override
                    public void onMessage(Connection c, Message m) {
                        rooms.broadcastExcept(c.state(String.class), ((Message.Text) m).text(), c);
                    }
                }).start();
    }

    @AfterEach
    void stop() {
        server.close();
        rooms.close();
    }

    private RawWebSocket join(String room) throws Exception {
        RawWebSocket ws = RawWebSocket.connect(server.port(), "/" + room, "");
        assertEquals("joined " + room, ws.readFrame(Duration.ofSeconds(5)).text());
        return ws;
    }

    @Test
    void threeRoomsManyClientsBroadcastExceptTheSender() throws Exception {
        String[] names = {"red", "green", "blue"};
        List<List<RawWebSocket>> clients = new ArrayList<>();
        for (String n : names) {
            List<RawWebSocket> inRoom = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                inRoom.add(join(n));
            }
            clients.add(inRoom);
        }
        for (String n : names) {
            assertEquals(15, rooms.count(n));
        }
        for (int r = 0; r < names.length; r++) {
            RawWebSocket sender = clients.get(r).get(0);
            sender.sendText("from " + names[r]);
            for (int i = 1; i < 15; i++) {
                assertEquals("from " + names[r], clients.get(r).get(i).readFrame(Duration.ofSeconds(5)).text());
            }
            assertNull(sender.readFrame(Duration.ofMillis(200)), "the sender is excluded");
            for (int other = 0; other < names.length; other++) {
                if (other != r) {
                    assertNull(clients.get(other).get(3).readFrame(Duration.ofMillis(50)), "no leak across rooms");
                }
            }
        }
        for (List<RawWebSocket> inRoom : clients) {
            for (RawWebSocket ws : inRoom) {
                ws.close();
            }
        }
    }

    @Test
    void disconnectedMembersLeaveAndEmptyRoomsDisappear() throws Exception {
        RawWebSocket a = join("solo");
        RawWebSocket b = join("solo");
        assertEquals(2, rooms.count("solo"));
        a.close(); // abrupt: no close frame
        awaitCount("solo", 1);
        b.sendClose(1000, "");
        b.awaitEof(Duration.ofSeconds(5));
        awaitCount("solo", 0);
        assertTrue(!rooms.rooms().contains("solo"), "the empty room is gone");
    }

    @Test
    void slowMemberIsDroppedWithoutSlowingTheOthers() throws Exception {
        RawWebSocket sender = join("busy");
        RawWebSocket stalled = join("busy");
        stalled.socket().setReceiveBufferSize(1024); // and never reads again
        List<RawWebSocket> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(join("busy"));
        }
        String payload = "x".repeat(4000);
        int messages = 2500; // 10 MB each: far past the stalled member's 1 MiB queue and any socket buffers
        int window = 50;     // 200 KB: the healthy readers are never more than this behind, whatever the CPU does
        java.util.concurrent.atomic.AtomicIntegerArray got = new java.util.concurrent.atomic.AtomicIntegerArray(readers.size());
        List<java.util.concurrent.Future<Integer>> counts = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int k = 0; k < readers.size(); k++) { // every healthy member reads concurrently
                RawWebSocket r = readers.get(k);
                int index = k;
                counts.add(pool.submit(() -> {
                    Set<Integer> seen = new HashSet<>();
                    for (int i = 0; i < messages; i++) {
                        RawWebSocket.Frame f = r.readFrame(Duration.ofSeconds(20));
                        assertEquals(Opcode.TEXT, f.opcode(),
                                () -> "after " + seen.size() + ": " + f.closeCode() + " " + f.closeReason());
                        seen.add(Integer.parseInt(f.text().substring(0, f.text().indexOf(':'))));
                        got.incrementAndGet(index);
                    }
                    return seen.size();
                }));
            }
            for (int i = 0; i < messages; i++) {
                while (slowest(got) < i - window) {
                    Thread.sleep(1); // publish no faster than the healthy readers consume
                }
                sender.sendText(i + ":" + payload);
            }
            for (var count : counts) {
                assertEquals(messages, count.get(), "every reader got every message");
            }
        }
        awaitCount("busy", 4); // the stalled one was closed with 1008 and left the room
        assertTrue(server.metrics().slowConsumerCloses() >= 1);
    }

    private static int slowest(java.util.concurrent.atomic.AtomicIntegerArray counts) {
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < counts.length(); i++) {
            min = Math.min(min, counts.get(i));
        }
        return min;
    }

    private void awaitCount(String room, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rooms.count(room) != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, rooms.count(room));
    }
}
