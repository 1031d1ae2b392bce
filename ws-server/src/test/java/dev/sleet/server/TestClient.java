package dev.sleet.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The JDK's own WebSocket client ({@code java.net.http.WebSocket}) wrapped for tests: whole messages arrive in a
 * queue, the close code and reason in a future.
 */
final class TestClient implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final WebSocket ws;
    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<int[]> closed = new CompletableFuture<>();
    volatile String closeReason;
    volatile Throwable error;

    private TestClient(WebSocket ws) {
        this.ws = ws;
    }

    static TestClient connect(int port) throws Exception {
        return connect(HTTP, URI.create("ws://127.0.0.1:" + port + "/"), null);
    }

    static TestClient connect(HttpClient http, URI uri, String subprotocol) throws Exception {
        Listener listener = new Listener();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocol != null) {
            b.subprotocols(subprotocol);
        }
        WebSocket ws = b.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        return listener.client;
    }

    /** The HTTP status of a refused upgrade, or -1 if the upgrade succeeded. */
    static int statusOfRefusedUpgrade(int port, String path) throws Exception {
        try {
            TestClient c = connect(HTTP, URI.create("ws://127.0.0.1:" + port + path), null);
            c.ws.abort();
            return -1;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    static HttpClient tlsClient(SSLContext trustAll) {
        return HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(5)).build();
    }

    String awaitText() throws InterruptedException {
        Object m = messages.poll(20, TimeUnit.SECONDS);
        if (m instanceof String s) {
            return s;
        }
        throw new AssertionError("expected a text message, got " + m);
    }

    byte[] awaitBinary() throws InterruptedException {
        Object m = messages.poll(20, TimeUnit.SECONDS);
        if (m instanceof byte[] b) {
            return b;
        }
        throw new AssertionError("expected a binary message, got " + m);
    }

    /** The close code the server sent, waiting up to {@code seconds}. */
    int awaitCloseCode(long seconds) throws Exception {
        return closed.get(seconds, TimeUnit.SECONDS)[0];
    }

    @Override
    public void close() {
        ws.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        TestClient client;
        private StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            client = new TestClient(webSocket);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                client.messages.add(text.toString());
                text = new StringBuilder();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                client.messages.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            client.closeReason = reason;
            client.closed.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (client != null) {
                client.error = error;
                client.closed.complete(new int[] {1006});
            }
        }
    }
}
