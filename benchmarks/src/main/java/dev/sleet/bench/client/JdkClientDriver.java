package dev.sleet.bench.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The JDK's {@code java.net.http.WebSocket}: one {@link HttpClient} (its default executor and its selector thread,
 * as an application gets them; {@code ioThreads} does not apply), trusting only the benchmark's certificate through
 * {@code Options.trustingContext()} with hostname verification on, connections from
 * {@code newWebSocketBuilder().buildAsync(...)}.
 *
 * <p>The two rules of that API, done right:
 * <ul>
 *   <li><b>Demand.</b> The listener is only called as often as {@link WebSocket#request(long)} allowed. Each
 *       connection asks for {@value #WINDOW} invocations when it opens and tops the credit up by half a window
 *       whenever half of it has been used, so the reader never stalls on demand and never asks for unbounded
 *       input.</li>
 *   <li><b>One send at a time.</b> A send made while the previous one has not completed fails with
 *       {@code IllegalStateException}; messages therefore wait in a per-connection queue and each completion sends
 *       the next.</li>
 * </ul>
 * Text arrives in parts ({@code last == false}); parts are joined until the last before the workload sees the
 * message; binary parts likewise.
 */
public final class JdkClientDriver implements ClientDriver {
    /** Listener invocations asked for at a time. */
    static final int WINDOW = 64;

    private final HttpClient client;

    public JdkClientDriver(Options options) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (options.trustingContext() != null) {
            b.sslContext(options.trustingContext());
        }
        this.client = b.build();
    }

    @Override
    public CompletableFuture<Session> connect(URI uri, Inbound inbound) {
        Conn c = new Conn(inbound);
        return client.newWebSocketBuilder().buildAsync(uri, c).thenApply(ws -> {
            c.ws = ws;
            return (Session) c;
        });
    }

    @Override
    public void close() {
        client.shutdownNow();
    }

    /**
     * One connection: listener and session.
     * <table>
     *   <caption>Who owns what</caption>
     *   <tr><th>field</th><th>written by</th><th>read by</th><th>ordering</th></tr>
     *   <tr><td>{@code ws}</td><td>{@code onOpen} / the connect future</td><td>any thread</td><td>volatile</td></tr>
     *   <tr><td>{@code credit}, {@code text}, {@code binary}</td><td>listener invocations</td><td>listener
     *       invocations</td><td>the JDK runs them one at a time, each after the previous</td></tr>
     *   <tr><td>{@code queue}, {@code sending}</td><td>senders, send completions</td><td>same</td><td>the
     *       connection's monitor</td></tr>
     * </table>
     */
    private static final class Conn implements WebSocket.Listener, Session {
        private final Inbound inbound;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile WebSocket ws;
        private long credit;
        private StringBuilder text;
        private ByteBuffer binary;
        private final ArrayDeque<Object> queue = new ArrayDeque<>();
        private boolean sending;

        Conn(Inbound inbound) {
            this.inbound = inbound;
        }

        // ------------------------------------------------------------------------------------ receiving

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            credit = WINDOW;
            webSocket.request(WINDOW);
        }

        /** One listener invocation used: top the credit up by half a window when half is gone. */
        private void used(WebSocket webSocket) {
            if (--credit <= WINDOW / 2) {
                webSocket.request(WINDOW - credit);
                credit = WINDOW;
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                (text == null ? text = new StringBuilder() : text).append(data);
            } else if (text == null) {
                inbound.onText(data.toString());
            } else {
                String whole = text.append(data).toString();
                text = null;
                inbound.onText(whole);
            }
            used(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (!last) {
                binary = append(binary, data);
            } else if (binary == null) {
                inbound.onBinary(data);
            } else {
                ByteBuffer whole = append(binary, data).flip();
                binary = null;
                inbound.onBinary(whole);
            }
            used(webSocket);
            return null;
        }

        private static ByteBuffer append(ByteBuffer to, ByteBuffer data) {
            if (to == null) {
                to = ByteBuffer.allocate(Math.max(1024, data.remaining() * 2));
            } else if (to.remaining() < data.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(to.capacity() * 2, to.position() + data.remaining()));
                to = bigger.put(to.flip());
            }
            return to.put(data);
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            used(webSocket); // the JDK answers with a pong itself
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            used(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            inbound.onClosed(statusCode, reason);
            closed.complete(null);
            return null; // the JDK answers the close (if not sent yet) and closes the connection
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            inbound.onError(error);
            closed.complete(null);
        }

        // ------------------------------------------------------------------------------------ sending

        @Override
        public void sendText(String message) {
            enqueue(message);
        }

        @Override
        public void sendBinary(byte[] data) {
            enqueue(ByteBuffer.wrap(data));
        }

        private void enqueue(Object message) {
            synchronized (this) {
                if (sending) {
                    queue.add(message);
                    return;
                }
                sending = true;
            }
            send(message);
        }

        private void send(Object message) {
            CompletableFuture<WebSocket> f = message instanceof String s ? ws.sendText(s, true)
                    : ws.sendBinary((ByteBuffer) message, true);
            f.whenComplete((w, e) -> {
                if (e != null) {
                    inbound.onError(e);
                }
                Object next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        sending = false;
                        return;
                    }
                }
                send(next);
            });
        }

        @Override
        public void flush() {
            // every send goes out as soon as the previous one completed
        }

        @Override
        public CompletableFuture<Void> close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((w, e) -> {
                if (e != null) {
                    inbound.onError(e);
                    closed.complete(null);
                }
            });
            return closed;
        }
    }
}
