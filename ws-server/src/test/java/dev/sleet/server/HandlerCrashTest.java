package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A handler exception is isolated to its connection (ACTOR-01): that connection closes with 1011 (ACTOR-05),
 * {@code onClose} still runs exactly once, and other connections keep working.
 */
@ExtendWith(HandlerThreads.class)
class HandlerCrashTest {
    static final RecordingHandler handler = new RecordingHandler() {
        @Override
        public void onMessage(Connection connection, Message message) throws Exception {
            if (message instanceof Message.Text t && t.text().equals("boom")) {
                HandlerThreads.record("onMessage");
                throw new IllegalStateException("handler bug");
            }
            super.onMessage(connection, message);
        }
    };
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void crashClosesOnlyThatConnectionWith1011() throws Exception {
        try (TestClient bystander = TestClient.connect(server.port());
                TestClient victim = TestClient.connect(server.port())) {
            handler.awaitOpen();
            handler.awaitOpen();
            long crashesBefore = server.metrics().handlerCrashes();
            victim.ws.sendText("boom", true).get(5, TimeUnit.SECONDS);
            assertEquals(1011, victim.awaitCloseCode(10));
            CloseStatus reported = handler.awaitClose(s -> s.code() == 1011);
            assertEquals("internal error", reported.reason());
            assertEquals(crashesBefore + 1, server.metrics().handlerCrashes());

            bystander.ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
            assertEquals("still here", bystander.awaitText());
        }
        handler.awaitClose(s -> s.code() == 1006); // the bystander's end: both connections' onClose have run
        assertEquals(2, handler.closeCounts.size(), "onClose ran for both: " + handler.closeCounts);
        assertTrue(handler.closeCounts.values().stream().allMatch(n -> n.get() == 1), "onClose ran once each");
    }
}
