package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.frame.Frames;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Connection.send(String)} puts exactly the UTF-8 of the string on the wire (RFC 6455 §5.6: a text frame
 * carries UTF-8), whichever encoding path the server takes: ASCII (with and without '?'), Latin-1, BMP and
 * supplementary characters, and unpaired surrogates, which a Java string may hold but UTF-8 cannot — they go out
 * as U+FFFD, never as '?' or as invalid bytes (PROTO-05 from the sending side, ACTOR-03).
 */
@ExtendWith(HandlerThreads.class)
class SendTextEncodingTest {
    static final List<String> TEXTS = List.of(
            "",
            "plain ascii",
            "what? why?",
            "a".repeat(4096),
            "café ßü",
            "€ 中文 \u0800\uFFFD",
            "clef 𝄞 and emoji 😀",
            "lone high \uD800 here",
            "lone low \uDC00",
            "\uD800",
            "ends high \uD83D",
            "x".repeat(200) + "\uDFFF" + "?".repeat(70000));

    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new WebSocketHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                HandlerThreads.record("onMessage");
                // "go" asks for every sample text, in order
                TEXTS.forEach(connection::send);
            }
        }).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyTextGoesOutAsItsUtf8() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("go");
            for (String text : TEXTS) {
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(10));
                assertEquals(Opcode.TEXT, f.opcode(), "opcode for " + describe(text));
                ByteBuffer expected = Frames.text(text); // the reference encoder: unpaired surrogates become U+FFFD
                int header = expected.remaining() - f.payload().length;
                byte[] payload = new byte[f.payload().length];
                expected.get(header, payload);
                assertArrayEquals(payload, f.payload(), "payload for " + describe(text));
            }
        }
    }

    private static String describe(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "... (" + s.length() + " chars)" : '"' + s + '"';
    }
}
