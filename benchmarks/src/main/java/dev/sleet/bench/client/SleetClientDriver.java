package dev.sleet.bench.client;

import dev.sleet.client.WebSocketClient;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.Message;
import dev.sleet.core.SendResult;
import dev.sleet.frame.CloseStatus;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Sleet's own client ({@code ws-client}) as the benchmark drives it: one {@link WebSocketClient} (its event loops
 * and actor workers sized by {@link Options#ioThreads()}) for every connection, callbacks in each connection's actor,
 * sends straight to {@link Connection#send} (a reply sent from a callback is written at the end of the actor's turn,
 * with the others of that turn). wss:// trusts the benchmark's certificate through {@link Options#trustingContext()},
 * hostname verification on.
 */
final class SleetClientDriver implements ClientDriver {
    private final WebSocketClient client;

    SleetClientDriver(Options options) {
        WebSocketClient.Builder b = WebSocketClient.builder().eventLoops(options.ioThreads())
                .workers(options.ioThreads());
        if (options.trustingContext() != null) {
            b.sslContext(options.trustingContext());
        }
        this.client = b.build();
    }

    @Override
    public CompletableFuture<Session> connect(URI uri, Inbound inbound) {
        return client.connect(uri, new ConnectionHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                switch (message) {
                    case Message.Text t -> inbound.onText(t.text());
                    case Message.Binary b -> inbound.onBinary(b.data());
                }
            }

            @Override
            public void onClose(Connection connection, CloseStatus status) {
                inbound.onClosed(status.code(), status.reason());
            }
        }).thenApply(c -> new SleetSession(c, inbound));
    }

    private record SleetSession(Connection connection, Inbound inbound) implements Session {
        @Override
        public void sendText(String text) {
            check(connection.send(text));
        }

        @Override
        public void sendBinary(byte[] data) {
            check(connection.send(data));
        }

        private void check(SendResult r) {
            if (!r.isEnqueued()) {
                inbound.onError(new IllegalStateException("send " + r));
            }
        }

        @Override
        public void flush() {
            // nothing is held past the actor's turn
        }

        @Override
        public CompletableFuture<Void> close() {
            connection.close(1000, "");
            return connection.closeFuture().toCompletableFuture().thenApply(s -> null);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
