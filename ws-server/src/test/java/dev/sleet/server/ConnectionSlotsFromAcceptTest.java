package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.RawWebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code maxConnections} counts sockets from accept, handshaking ones included, so idle sockets that never send a
 * request cannot exhaust descriptors beyond the limit; {@code maxConnectionsPerAddress} caps one remote address.
 * A socket over a limit is answered 503 at once, without its request being read.
 */
class ConnectionSlotsFromAcceptTest {
    static final String UPGRADE = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /** Connects from {@code local} and returns the status line the server answers to an upgrade request. */
    static String statusLine(int port, InetAddress local) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(20_000);
            s.bind(new InetSocketAddress(local, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port));
            try {
                s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // a refused socket may be closed before the request is written; its answer is still readable
            }
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\r') {
                line.append((char) b);
            }
            return line.toString();
        }
    }

    @Test
    void handshakingSocketsHoldSlotsAndTheNextOneGets503() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).maxConnections(2).handshakeTimeout(Duration.ofMinutes(1)).start();
                Socket idle1 = new Socket("127.0.0.1", server.port());
                Socket idle2 = new Socket("127.0.0.1", server.port())) {
            // Two sockets that never send a request hold both slots.
            String third = statusLine(server.port(), InetAddress.getLoopbackAddress());
            assertTrue(third.startsWith("HTTP/1.1 503"), "over the limit: " + third);
            idle1.close();
            // Once the server has seen idle1 go, its slot is free again.
            String next = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!next.startsWith("HTTP/1.1 101") && System.nanoTime() < deadline) {
                next = statusLine(server.port(), InetAddress.getLoopbackAddress());
            }
            assertEquals("HTTP/1.1 101 Switching Protocols", next);
        }
    }

    @Test
    void oneAddressIsCappedOthersAreNot() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.2");
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).maxConnectionsPerAddress(1).start();
                RawWebSocket first = RawWebSocket.connect(server.port())) {
            first.sendText("holding the address's one slot");
            first.readFrame(Duration.ofSeconds(20));
            String second = statusLine(server.port(), InetAddress.getByName("127.0.0.1"));
            assertTrue(second.startsWith("HTTP/1.1 503"), "same address over its limit: " + second);
            String fromElsewhere = statusLine(server.port(), other);
            assertEquals("HTTP/1.1 101 Switching Protocols", fromElsewhere, "another address has its own count");
        }
    }
}
