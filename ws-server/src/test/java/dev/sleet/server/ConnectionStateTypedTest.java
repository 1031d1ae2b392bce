package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.UpgradeRequest;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Connection#state(Class)} returns the state {@link ConnectDecision#accept(Object)} attached, as the type
 * asked for; asking for another type fails right there with both type names, and no state reads as null.
 */
@ExtendWith(HandlerThreads.class)
class ConnectionStateTypedTest {

    record User(String name) {
    }

    @Test
    void theStateComesBackTypedAndAWrongTypeNamesBothTypes() throws Exception {
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public ConnectDecision onConnect(UpgradeRequest request) {
                return request.path().equals("/none") ? ConnectDecision.accept()
                        : ConnectDecision.accept(new User("ann"));
            }

            @Override
            public void onMessage(Connection connection, Message message) {
                String answer;
                try {
                    answer = switch (((Message.Text) message).text()) {
                        case "user" -> String.valueOf(connection.state(User.class));
                        case "object" -> String.valueOf(connection.state(Object.class));
                        default -> String.valueOf(connection.state(Integer.class));
                    };
                } catch (ClassCastException e) {
                    answer = "refused: " + e.getMessage();
                }
                connection.send(answer);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start()) {
            try (TestClient c = TestClient.connect(server.port())) {
                c.ws.sendText("user", true);
                assertEquals("User[name=ann]", c.awaitText());
                c.ws.sendText("object", true);
                assertEquals("User[name=ann]", c.awaitText());
                c.ws.sendText("integer", true);
                String refused = c.awaitText();
                assertTrue(refused.startsWith("refused: connection "), refused);
                assertTrue(refused.contains(User.class.getName()) && refused.contains("java.lang.Integer"),
                        refused);
            }
            try (TestClient c = TestClient.connect(TestClient.HTTP,
                    URI.create("ws://127.0.0.1:" + server.port() + "/none"), null)) {
                c.ws.sendText("integer", true);
                assertEquals("null", c.awaitText());
            }
        }
    }
}
