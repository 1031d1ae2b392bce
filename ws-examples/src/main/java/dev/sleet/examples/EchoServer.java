package dev.sleet.examples;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Echoes every text and binary message back to its sender, on any path. Started by
 * {@code ./sleet echo [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--deflate]} ({@code --deflate} offers
 * permessage-deflate, RFC 7692, to clients that ask for it); prints one line when it listens and
 * shuts down gracefully on SIGTERM or Ctrl-C.
 */
public final class EchoServer {
    static final String USAGE = "usage: ./sleet echo [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--deflate] [--verbose]";

    private EchoServer() {
    }

    /** The echo handler, also used by the conformance suite. */
    public static final class Echo implements WebSocketHandler {
        @Override
        public void onMessage(Connection connection, Message message) {
            connection.send(message); // text back as text, binary as binary, in the frame it arrived in
        }
    }

    /** A builder with the echo handler and the given options (port 0 for tests). */
    public static WebSocketServer.Builder builder(String host, int port, Path tlsCert, Path tlsKey) {
        return listening(host, port, tlsCert, tlsKey).handler(new Echo());
    }

    /** A builder with the given address and TLS files, and no handler yet. */
    static WebSocketServer.Builder listening(String host, int port, Path tlsCert, Path tlsKey) {
        WebSocketServer.Builder b = WebSocketServer.builder().host(host).port(port);
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            b.tls(tlsCert, tlsKey);
        }
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
        WebSocketServer.Builder b = builder(args.get("host", "0.0.0.0"), args.port(8080), args.path("tls-cert"),
                args.path("tls-key"));
        if (args.flag("deflate")) {
            b.extension("permessage-deflate");
        }
        Launch.serve(args.flag("deflate") ? "echo (permessage-deflate on)" : "echo", b.start(), false);
    }
}
