package dev.sleet.bench.load;

import dev.sleet.examples.EchoServer;
import dev.sleet.server.WebSocketServer;

/**
 * Sleet's echo example as a benchmark server: {@code EchoServer.Echo} (text back as text, binary back as binary)
 * with {@code --threads} event loops and as many actor workers, on 127.0.0.1.
 */
public final class SleetEchoServer {
    private SleetEchoServer() {
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv);
        WebSocketServer server = EchoServer.builder("127.0.0.1", args.port(), null, null)
                .eventLoops(args.threads())
                .workers(args.threads())
                .start();
        ServerArgs.listening(server.port());
        ServerArgs.park();
    }
}
