package dev.sleet.bench.fanout;

import dev.sleet.bench.load.ServerArgs;
import dev.sleet.rooms.Rooms;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;

/**
 * Sleet's fan-out server: every connection on any path but {@code /pub} joins the room {@code bench}; each text
 * message from a {@code /pub} connection is broadcast to the room with {@link Rooms#broadcast(String, String)}
 * (encoded once, the same bytes queued for every member).
 */
public final class SleetFanoutServer {
    static final String ROOM = "bench";

    private SleetFanoutServer() {
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv).requirePlain("SleetFanoutServer");
        Rooms rooms = Rooms.create();
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(args.port())
                .eventLoops(args.threads())
                .workers(args.threads())
                .handler(new WebSocketHandler() {
                    @Override
                    public void onOpen(Connection connection) {
                        if (!FanoutPaths.isPublisher(connection.request().path())) {
                            rooms.join(connection, ROOM);
                        }
                    }

                    @Override
                    public void onMessage(Connection connection, Message message) {
                        if (message instanceof Message.Text t && FanoutPaths.isPublisher(connection.request().path())) {
                            rooms.broadcast(ROOM, t.text());
                        }
                    }
                })
                .start();
        ServerArgs.listening(server.port());
        ServerArgs.park();
    }
}
