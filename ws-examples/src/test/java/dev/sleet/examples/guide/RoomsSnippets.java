package dev.sleet.examples.guide;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.rooms.PresenceListener;
import dev.sleet.rooms.Rooms;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.util.Map;

// guide:rooms
final class ChatRooms implements WebSocketHandler {
    private final Rooms rooms;

    ChatRooms(Rooms rooms) {
        this.rooms = rooms;
    }

    @Override public ConnectDecision onConnect(UpgradeRequest request) {
        return ConnectDecision.accept(request.queryParam("name").orElse("guest"));
    }

    @Override public void onOpen(Connection c) {
        String room = c.request().pathParam("room").orElseThrow();
        String name = c.state(String.class);
        rooms.join(c, room, Map.of("name", name));       // the info is what presence(room) shows
        rooms.broadcastExcept(room, name + " joined", c);
    }

    @Override public void onMessage(Connection c, Message m) {
        if (m instanceof Message.Text t) {
            for (String room : rooms.roomsOf(c)) {
                rooms.broadcast(room, c.state(String.class) + ": " + t.text());  // encoded once for all
            }
        }
    }
    // no onClose: a connection that ends leaves its rooms by itself
}
// end:rooms

final class RoomsServer {
    private RoomsServer() {
    }

    // guide:rooms-server
    static WebSocketServer start(int port, Rooms rooms) throws Exception {
        rooms.onPresence(new PresenceListener() {             // short and non-blocking: it runs on the caller
            @Override public void joined(String room, Connection c, int members) {
                System.getLogger("app").log(System.Logger.Level.INFO, room + " has " + members + " members");
            }

            @Override public void left(String room, Connection c, int members) {
                rooms.broadcast(room, c.state(String.class) + " left");
            }
        });
        return WebSocketServer.builder()
                .port(port)
                .route("/rooms/{room}", new ChatRooms(rooms))
                .start();
    }
    // end:rooms-server
}
