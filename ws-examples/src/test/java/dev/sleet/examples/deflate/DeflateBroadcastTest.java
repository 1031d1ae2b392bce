package dev.sleet.examples.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.sleet.deflate.DeflateConfig;
import dev.sleet.deflate.PerMessageDeflate;
import dev.sleet.frame.Rsv;
import dev.sleet.rooms.Rooms;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.ClientDeflate;
import dev.sleet.testkit.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Broadcast to a room under permessage-deflate. Without server context takeover (RFC 7692 §7.1.1.1) a message's
 * compressed form depends on the message alone, so a broadcast compresses once per distinct set of negotiated
 * parameters and every member gets the same bytes; with context takeover each member's stream is its own and the
 * message is compressed per member. Members without the extension get the plain frame.
 */
class DeflateBroadcastTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String TEXT = "{\"type\":\"message\",\"from\":\"ann\",\"text\":\"" + "hello everyone ".repeat(20) + "\"}";

    /** Joins room "r" on open; a text message "go" broadcasts {@link #TEXT} to the room. */
    static final class Hub implements WebSocketHandler {
        final Rooms rooms;

        Hub(Rooms rooms) {
            this.rooms = rooms;
        }

        @Override
        public void onOpen(Connection c) {
            rooms.join(c, "r");
            c.send("joined");
        }

        @Override
        public void onMessage(Connection c, Message m) {
            if (m instanceof Message.Text t && t.text().equals("go")) {
                rooms.broadcast("r", TEXT);
            }
        }
    }

    /** Opens {@code n} members with {@code offer} (null: no extension); returns the number of compressions. */
    static long broadcastTo(PerMessageDeflate provider, List<String> offers) throws Exception {
        try (Rooms rooms = Rooms.create();
                WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Hub(rooms))
                        .extension(provider).start()) {
            List<RawWebSocket> members = new ArrayList<>();
            List<ClientDeflate> zs = new ArrayList<>();
            try {
                for (String offer : offers) {
                    RawWebSocket ws = RawWebSocket.connect(server.port(), "/",
                            offer == null ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n");
                    assertEquals("joined", ws.readFrame(WAIT).text());
                    members.add(ws);
                    zs.add(new ClientDeflate(false, offer != null && offer.contains("server_no_context_takeover")));
                }
                long before = PerMessageDeflate.metrics().messagesCompressed();
                members.get(0).sendText("go");
                byte[] expected = TEXT.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < members.size(); i++) {
                    RawWebSocket.Frame f = members.get(i).readFrame(WAIT);
                    assertNotNull(f, "member " + i + " got the broadcast");
                    boolean deflate = offers.get(i) != null;
                    assertEquals(deflate ? Rsv.RSV1 : 0, f.rsv(), "member " + i);
                    assertArrayEquals(expected, deflate ? zs.get(i).decompress(f.payload()) : f.payload());
                }
                return PerMessageDeflate.metrics().messagesCompressed() - before;
            } finally {
                for (RawWebSocket ws : members) {
                    ws.close();
                }
                zs.forEach(ClientDeflate::close);
            }
        }
    }

    @Test
    void withoutServerContextOneCompressionPerParameterSet() throws Exception {
        PerMessageDeflate provider = new PerMessageDeflate(DeflateConfig.noContextTakeover());
        List<String> offers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            offers.add("permessage-deflate");
        }
        assertEquals(1, broadcastTo(provider, offers), "20 members, one parameter set: one compression");
        for (int i = 0; i < 5; i++) {
            offers.add("permessage-deflate; server_max_window_bits=10");
            offers.add(null); // no extension: the plain frame
        }
        assertEquals(2, broadcastTo(provider, offers), "two distinct parameter sets: two compressions");
    }

    @Test
    void withServerContextEachMemberCompressesInItsOwnStream() throws Exception {
        List<String> offers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            offers.add("permessage-deflate");
        }
        assertEquals(10, broadcastTo(new PerMessageDeflate(), offers));
    }
}
