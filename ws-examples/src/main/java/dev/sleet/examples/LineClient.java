package dev.sleet.examples;

import dev.sleet.client.ConnectOptions;
import dev.sleet.client.WebSocketClient;
import dev.sleet.client.WebSocketClientException;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.Message;
import dev.sleet.deflate.PerMessageDeflateClient;
import dev.sleet.frame.CloseStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code ./sleet client ws://host:port/path}: an interactive, line-based WebSocket client on Sleet's client. Each line
 * typed is sent as a text message; {@code /ping [text]} sends a ping, {@code /close [code [reason]]} closes; end of
 * input closes with 1000. What arrives is printed: {@code < text}, {@code < binary: N bytes}, {@code < pong},
 * {@code closed: code reason}. The process exits when the connection has closed (status 0 after a normal close).
 */
public final class LineClient {
    static final String USAGE = """
            usage: ./sleet client ws[s]://host:port/path [--header 'Name: value']... [--origin O] [--subprotocol P]...
                                  [--deflate] [--insecure-no-hostname-check] [--verbose]""";

    private LineClient() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the client until the connection closes; returns the process status. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].startsWith("--")) {
            err.println(USAGE);
            return 2;
        }
        URI uri;
        Args options;
        ConnectOptions connectOptions;
        try {
            uri = URI.create(args[0]);
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            options = Args.parse(rest, USAGE, "deflate", "insecure-no-hostname-check", "verbose");
            ConnectOptions.Builder b = ConnectOptions.builder();
            for (String h : options.all("header")) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--header must look like 'Name: value', not '" + h + "'");
                }
                b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
            if (options.has("origin")) {
                b.origin(options.get("origin", null));
            }
            options.all("subprotocol").forEach(b::subprotocols);
            if (options.has("deflate")) {
                b.extension(new PerMessageDeflateClient());
            }
            connectOptions = b.build();
        } catch (IllegalArgumentException e) {
            err.println("sleet client: " + e.getMessage());
            return 2;
        }
        Launch.configureLogging(options.has("verbose"));
        CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        try (WebSocketClient client = WebSocketClient.builder().workers(1)
                .verifyHostname(!options.has("insecure-no-hostname-check")).build()) {
            Connection connection;
            try {
                connection = client.connect(uri, connectOptions, new Printer(out, closed)).toCompletableFuture().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                err.println("sleet client: cannot connect to " + uri + ": " + cause.getMessage()
                        + (cause instanceof WebSocketClientException ? " (" + cause.getClass().getSimpleName() + ")"
                                : ""));
                return 1;
            } catch (IllegalArgumentException e) {
                err.println("sleet client: " + e.getMessage());
                return 2;
            }
            out.println("connected to " + uri + connection.subprotocol().map(p -> " (subprotocol " + p + ")").orElse("")
                    + "; type a line to send it, /ping, /close [code [reason]], end of input to quit");
            out.flush();
            readLines(in, connection, closed);
            CloseStatus status = closed.get();
            return status.code() == 1000 ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (ExecutionException | IOException e) {
            err.println("sleet client: " + e.getMessage());
            return 1;
        }
    }

    private static void readLines(InputStream in, Connection connection, CompletableFuture<CloseStatus> closed)
            throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while (!closed.isDone() && (line = reader.readLine()) != null) {
            if (line.equals("/ping") || line.startsWith("/ping ")) {
                connection.ping(ByteBuffer.wrap(line.substring(Math.min(line.length(), 6))
                        .getBytes(StandardCharsets.UTF_8)));
            } else if (line.equals("/close") || line.startsWith("/close ")) {
                String[] parts = line.split(" ", 3);
                int code = parts.length > 1 ? Integer.parseInt(parts[1]) : 1000;
                connection.close(code, parts.length > 2 ? parts[2] : "");
                return;
            } else {
                connection.send(line);
            }
        }
        if (!closed.isDone()) {
            connection.close(1000, "");
        }
    }

    /** Prints what arrives; runs in the connection's actor. */
    private record Printer(PrintStream out, CompletableFuture<CloseStatus> closed) implements ConnectionHandler {
        @Override
        public void onMessage(Connection connection, Message message) {
            switch (message) {
                case Message.Text t -> out.println("< " + t.text());
                case Message.Binary b -> out.println("< binary: " + b.data().remaining() + " bytes");
            }
            out.flush();
        }

        @Override
        public void onPong(Connection connection, ByteBuffer payload) {
            out.println("< pong " + StandardCharsets.UTF_8.decode(payload));
            out.flush();
        }

        @Override
        public void onClose(Connection connection, CloseStatus status) {
            out.println("closed: " + status.code() + (status.reason().isEmpty() ? "" : " " + status.reason()));
            out.flush();
            closed.complete(status);
        }
    }
}
