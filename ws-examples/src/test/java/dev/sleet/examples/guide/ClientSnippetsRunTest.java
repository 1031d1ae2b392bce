package dev.sleet.examples.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.client.WebSocketClient;
import dev.sleet.examples.EchoServer;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.server.ConnectDecision;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The guide's client snippets, run against real servers on loopback. */
class ClientSnippetsRunTest {

    @Test
    void theClientGetsTheEchoBack() throws Exception {
        WebSocketServer server = EchoServer.builder("127.0.0.1", 0, null, null).extension("permessage-deflate").start();
        try {
            assertEquals("hello", ClientSnippets.askTheEchoServer(URI.create("ws://127.0.0.1:" + server.port() + "/")));
        } finally {
            server.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRefusalIsExplained() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new WebSocketHandler() {
                    @Override
                    public ConnectDecision onConnect(UpgradeRequest request) {
                        return ConnectDecision.reject(403, "no token");
                    }

                    @Override
                    public void onMessage(Connection connection, Message message) {
                    }
                }).start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            String explained = ClientSnippets.explainFailure(client, URI.create("ws://127.0.0.1:" + server.port()
                    + "/"), (c, m) -> { });
            assertEquals("refused: 403 NOT_SWITCHING_PROTOCOLS", explained);
        } finally {
            server.shutdown(Duration.ofSeconds(5));
        }
    }
}
