package dev.sleet.examples.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.core.Connection;
import dev.sleet.core.Fragment;
import dev.sleet.core.Message;
import dev.sleet.core.MessageStream;
import dev.sleet.core.SendResult;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.ClientDeflate;
import dev.sleet.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Streamed messages with permessage-deflate agreed (RFC 7692): a compressed message sent in fragments arrives at a
 * handler that receives fragments as its decompressed pieces, UTF-8 and all; a message the server streams goes out
 * uncompressed (RSV1 clear, which RFC 7692 allows per message), and a message sent while it was open follows it,
 * compressed, without disturbing the compression context.
 */
class DeflateStreamedMessagesTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Gathers the pieces; when a message ends, streams it back in three pieces with a whole message held behind. */
    static final class StreamBack implements WebSocketHandler {
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();
        volatile int pieces;

        @Override
        public boolean receivesFragments() {
            return true;
        }

        @Override
        public void onFragment(Connection c, Fragment f) {
            pieces++;
            got.writeBytes(f.text().getBytes(StandardCharsets.UTF_8));
            if (!f.isLast()) {
                return;
            }
            String text = got.toString(StandardCharsets.UTF_8);
            got.reset();
            int third = text.length() / 3;
            try (MessageStream out = c.streamText()) {
                out.send(text.substring(0, third), false);
                c.send("held behind the stream: " + "compressible ".repeat(20));
                out.send(text.substring(third, 2 * third), false);
                if (out.send(text.substring(2 * third), true) != SendResult.ENQUEUED) {
                    throw new IllegalStateException("last piece refused");
                }
            }
        }

        @Override
        public void onMessage(Connection c, Message m) {
            throw new AssertionError("a handler that receives fragments never gets whole messages");
        }
    }

    @Test
    void compressedInPiecesUncompressedOutHeldMessageCompressedAfter() throws Exception {
        StreamBack handler = new StreamBack();
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 200_000) {
            sb.append("ÆØÅ ").append(sb.length()).append(" 𝄞 plain ascii words ");
        }
        String text = sb.toString();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .extension("permessage-deflate").start();
                RawWebSocket ws = RawWebSocket.connect(server.port(), "/",
                        "Sec-WebSocket-Extensions: permessage-deflate\r\n");
                ClientDeflate z = new ClientDeflate(false, false)) {
            assertNotNull(ws.handshakeHeader("Sec-WebSocket-Extensions"), "deflate agreed");
            byte[] c = z.compress(utf8);
            ws.sendFrame(false, Rsv.RSV1, Opcode.TEXT, Arrays.copyOf(c, c.length / 3));
            ws.sendFrame(false, 0, Opcode.CONTINUATION, Arrays.copyOfRange(c, c.length / 3, 2 * c.length / 3));
            ws.sendFrame(true, 0, Opcode.CONTINUATION, Arrays.copyOfRange(c, 2 * c.length / 3, c.length));

            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            for (int i = 0; i < 3; i++) {
                RawWebSocket.Frame f = ws.readFrame(WAIT);
                assertNotNull(f, "piece " + i);
                assertEquals(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, f.opcode());
                assertEquals(0, f.rsv(), "a streamed message is sent uncompressed");
                assertEquals(i == 2, f.fin());
                echoed.writeBytes(f.payload());
            }
            assertEquals(text, echoed.toString(StandardCharsets.UTF_8));
            // the message held while the stream was open comes right after its last piece (close() added nothing)
            RawWebSocket.Frame held = ws.readFrame(WAIT);
            assertEquals(Opcode.TEXT, held.opcode());
            assertTrue(held.fin());
            assertEquals(Rsv.RSV1, held.rsv(), "the held message is compressed as usual");
            assertEquals("held behind the stream: " + "compressible ".repeat(20),
                    new String(z.decompress(held.payload()), StandardCharsets.UTF_8));
            assertTrue(handler.pieces >= 2, "the compressed message arrived in pieces: " + handler.pieces);
            assertFalse(server.connections().isEmpty());
        }
    }
}
