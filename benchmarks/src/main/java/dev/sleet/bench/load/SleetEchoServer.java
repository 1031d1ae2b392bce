package dev.sleet.bench.load;

import dev.sleet.examples.EchoServer;
import dev.sleet.server.WebSocketServer;

/**
 * Sleet's echo example as a benchmark server: {@code EchoServer.Echo} (text back as text, binary back as binary)
 * with {@code --threads} event loops and as many actor workers, on 127.0.0.1. With {@code --tls-port N --tls-cert
 * FILE --tls-key FILE} it also serves wss:// on port N (the same loops and handler; the TLS transport is the best
 * one installed: Conscrypt when its library loads, else the JDK's), as the client benchmark needs.
 */
public final class SleetEchoServer {
    private SleetEchoServer() {
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv);
        WebSocketServer.Builder b = EchoServer.builder("127.0.0.1", args.port(), args.tlsCert(), args.tlsKey())
                .eventLoops(args.threads())
                .workers(args.threads());
        if (args.tls()) {
            b.tlsPort(args.tlsPort());
        }
        WebSocketServer server = b.start();
        ServerArgs.listening(server.port());
        ServerArgs.park();
    }
}
