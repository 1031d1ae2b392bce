package dev.sleet.bench.fanout;

import dev.sleet.bench.load.ServerArgs;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The Java-WebSocket 1.6.0 fan-out peer: a text message from the publisher ({@code /pub}) goes to the members with
 * {@code broadcast(text, members)}, which encodes the frame once for all of them. Its own threading: one selector
 * thread and {@code --threads} decoder threads.
 */
public final class JavaWebSocketFanoutServer extends WebSocketServer {
    private final Set<WebSocket> members = ConcurrentHashMap.newKeySet();
    private final int port;

    private JavaWebSocketFanoutServer(int port, int threads) {
        super(new InetSocketAddress("127.0.0.1", port), threads);
        this.port = port;
        setTcpNoDelay(true);
        setReuseAddr(true);
        setConnectionLostTimeout(0);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        if (FanoutPaths.isPublisher(handshake.getResourceDescriptor())) {
            conn.setAttachment(Boolean.TRUE);
        } else {
            members.add(conn);
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        members.remove(conn);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        if (Boolean.TRUE.equals(conn.getAttachment())) {
            broadcast(message, members);
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        System.err.println("error on " + conn + ": " + ex);
    }

    @Override
    public void onStart() {
        ServerArgs.listening(port);
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv).requirePlain("JavaWebSocketFanoutServer");
        new JavaWebSocketFanoutServer(args.port(), args.threads()).run();
    }
}
