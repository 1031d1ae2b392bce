package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.frame.spi.InboundTransform;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.frame.spi.PayloadSink;
import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionProvider;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Code that runs on an event loop for one connection and throws (here an extension's inbound transform, which runs
 * on the loop) fails that connection alone: the peer gets 1011, {@code onClose} runs, the connection leaves the
 * registry and its descriptor is freed, and the loop goes on serving the others. Before connection core v2 the
 * loop only cancelled the key: no close, no {@code onClose}, a leaked descriptor, and shutdown never saw it.
 */
class LoopTaskFailureTest {

    /** An extension whose inbound side throws a plain runtime exception on the first compressed message. */
    static final class Exploding implements ExtensionProvider, ExtensionAgreement, FrameExtension {
        @Override
        public String name() {
            return "x-exploding";
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public Optional<ExtensionAgreement> negotiate(List<ExtensionOffer> offers) {
            return Optional.of(this);
        }

        @Override
        public ExtensionOffer response() {
            return ExtensionOffer.of("x-exploding");
        }

        @Override
        public int rsvBits() {
            return Rsv.RSV1;
        }

        @Override
        public InboundTransform newInboundTransform() {
            return new InboundTransform() {
                @Override
                public void transform(ByteBuffer payload, PayloadSink sink) {
                    throw new IllegalStateException("a bug in extension code");
                }

                @Override
                public void endMessage(PayloadSink sink) {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public OutboundTransform newOutboundTransform() {
            return null;
        }
    }

    @Test
    void aThrowingLoopTaskClosesItsConnectionWith1011AndSparesTheOthers() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .extension(new Exploding()).eventLoops(1).start();
                RawWebSocket bystander = RawWebSocket.connect(server.port());
                RawWebSocket victim = RawWebSocket.connect(server.port(), "/",
                        "Sec-WebSocket-Extensions: x-exploding\r\n")) {
            handler.awaitOpen();
            handler.awaitOpen();
            assertEquals(2, server.connectionCount());
            victim.sendFrame(true, Rsv.RSV1, Opcode.TEXT, "boom".getBytes());

            RawWebSocket.Frame close = victim.awaitClose(Duration.ofSeconds(20));
            assertEquals(1011, close.closeCode());
            CloseStatus reported = handler.awaitClose();
            assertEquals(1011, reported.code(), "onClose ran with the failure's code");
            victim.sendClose(1011, "");
            assertTrue(victim.awaitEof(Duration.ofSeconds(20)), "the server closed the socket");

            bystander.sendText("still here?"); // same (only) loop: it goes on
            assertEquals("still here?", bystander.readFrame(Duration.ofSeconds(20)).text());
            assertEquals(1, server.connectionCount(), "the failed connection left the registry");
        }
    }
}
