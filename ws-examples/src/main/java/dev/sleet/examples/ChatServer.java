package dev.sleet.examples;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.rooms.PresenceListener;
import dev.sleet.rooms.Rooms;
import dev.sleet.server.ConnectDecision;
import dev.sleet.server.Connection;
import dev.sleet.server.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A chat server: its page (plain HTTP on the same port) joins a room over WebSocket, sends messages, and shows
 * the members and everyone's messages. Started by {@code ./sleet chat [--port N]}, default
 * {@code http://localhost:8080/}.
 *
 * <p>Protocol: the page connects to {@code /chat?room=R&name=N}; it sends plain text messages; the server sends
 * JSON events: {@code {"type":"message","from":..,"text":..}}, {@code {"type":"members","room":..,"members":[..]}}
 * (on every join and leave) and {@code {"type":"welcome","name":..}}.
 */
public final class ChatServer {
    static final String USAGE = "usage: ./sleet chat [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--deflate] [--verbose]";
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int MAX_MESSAGE = 4096;

    private ChatServer() {
    }

    /** The chat handler; one per server, sharing one {@link Rooms}. */
    public static final class Chat implements WebSocketHandler, PresenceListener {
        private final Rooms rooms;
        private final AtomicInteger guests = new AtomicInteger();

        public Chat(Rooms rooms) {
            this.rooms = rooms;
            rooms.onPresence(this);
        }

        /** Who a connection is: its display name and room, fixed at connect time. */
        record Member(String name, String room) {
        }

        @Override
        public ConnectDecision onConnect(UpgradeRequest request) {
            if (!request.path().equals("/chat")) {
                return ConnectDecision.reject(404, "the chat lives at /chat");
            }
            String room = request.queryParam("room").orElse("lobby");
            if (!ROOM.matcher(room).matches()) {
                return ConnectDecision.reject(400, "room names are 1-32 letters, digits, '-' or '_'");
            }
            String name = request.queryParam("name").map(ChatServer::cleanName).filter(n -> !n.isEmpty())
                    .orElseGet(() -> "guest-" + guests.incrementAndGet());
            return ConnectDecision.accept(new Member(name, room));
        }

        @Override
        public void onOpen(Connection c) {
            Member m = c.state();
            c.send("{\"type\":\"welcome\",\"name\":" + Json.str(m.name()) + ",\"room\":" + Json.str(m.room()) + "}");
            rooms.join(c, m.room(), Map.of("name", m.name()));
        }

        @Override
        public void onMessage(Connection c, Message message) {
            Member m = c.state();
            if (!(message instanceof Message.Text t)) {
                c.close(1003, "the chat takes text only");
                return;
            }
            String text = t.text().length() > MAX_MESSAGE ? t.text().substring(0, MAX_MESSAGE) : t.text();
            rooms.broadcast(m.room(), "{\"type\":\"message\",\"from\":" + Json.str(m.name()) + ",\"text\":"
                    + Json.str(text) + "}");
        }

        @Override
        public void joined(String room, Connection connection, int members) {
            announceMembers(room);
        }

        @Override
        public void left(String room, Connection connection, int members) {
            announceMembers(room);
        }

        private void announceMembers(String room) {
            TreeSet<String> names = new TreeSet<>();
            rooms.presence(room).values().forEach(info -> names.add(info.getOrDefault("name", "?")));
            rooms.broadcast(room, "{\"type\":\"members\",\"room\":" + Json.str(room) + ",\"members\":"
                    + Json.strings(names) + "}");
        }
    }

    static String cleanName(String raw) {
        String n = raw.strip().replaceAll("\\p{Cntrl}", "");
        return n.length() > 24 ? n.substring(0, 24) : n;
    }

    /** Serves the page; anything else is 404. */
    static HttpResponse page(UpgradeRequest request) {
        if (!request.method().equals("GET")) {
            return HttpResponse.text(405, "only GET here");
        }
        if (request.path().equals("/") || request.path().equals("/index.html")) {
            return HttpResponse.builder(200).header("Cache-Control", "no-store")
                    .header("Content-Type", "text/html; charset=utf-8").body(INDEX).build();
        }
        return HttpResponse.text(404, "not found: " + request.path());
    }

    private static final byte[] INDEX = load("chat/index.html");

    private static byte[] load(String name) {
        try (InputStream in = ChatServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A builder for a chat server on {@code rooms}. */
    public static WebSocketServer.Builder builder(Rooms rooms, String host, int port, Path tlsCert, Path tlsKey) {
        WebSocketServer.Builder b = EchoServer.builder(host, port, tlsCert, tlsKey)
                .handler(new Chat(rooms)).httpHandler(ChatServer::page);
        return b;
    }

    public static void main(String[] argv) throws IOException, InterruptedException {
        Args args;
        try {
            args = Args.parse(argv, USAGE, "verbose", "deflate");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Launch.configureLogging(args.flag("verbose"));
        Rooms rooms = Rooms.create();
        WebSocketServer.Builder b = builder(rooms, args.get("host", "0.0.0.0"), args.port(8080), args.path("tls-cert"),
                args.path("tls-key"));
        if (args.flag("deflate")) {
            b.extension("permessage-deflate");
        }
        Launch.serve(args.flag("deflate") ? "chat (permessage-deflate on)" : "chat", b.start(), true);
    }
}
