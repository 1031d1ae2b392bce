package dev.sleet.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Raw upgraded sockets for tests that flood a server and watch it stop reading. */
final class RawSockets {
    /** Consecutive writes that take nothing (2 ms apart) after which the server is taken to have stopped reading. */
    static final int STALLED_WRITES = 500;

    private RawSockets() {
    }

    static SocketChannel upgraded(int port) throws IOException {
        return upgraded(port, -1);
    }

    /** A raw upgraded socket; {@code receiveBuffer} (if positive) is set before connecting, so it sticks. */
    static SocketChannel upgraded(int port, int receiveBuffer) throws IOException {
        SocketChannel ch = SocketChannel.open();
        if (receiveBuffer > 0) {
            ch.socket().setReceiveBufferSize(receiveBuffer);
        }
        ch.connect(new InetSocketAddress("127.0.0.1", port));
        String req = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ch.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (true) {
            if (ch.read(in) < 0) {
                throw new IOException("closed during the handshake");
            }
            String s = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            if (s.contains("\r\n\r\n")) {
                if (!s.startsWith("HTTP/1.1 101")) {
                    throw new IOException("no 101: " + s);
                }
                return ch;
            }
        }
    }

    /**
     * Writes the buffers {@code next} supplies to {@code ch} (made non-blocking) until {@code limit} bytes went or
     * the server took nothing for {@link #STALLED_WRITES} writes in a row (it stopped reading). Returns the bytes
     * written: below {@code limit} means the server stopped taking them.
     */
    static long writeUntilStalled(SocketChannel ch, Supplier<ByteBuffer> next, long limit) throws IOException {
        ch.configureBlocking(false);
        ByteBuffer buf = next.get();
        long written = 0;
        int stalls = 0;
        while (written < limit && stalls < STALLED_WRITES) {
            if (!buf.hasRemaining()) {
                buf = next.get();
            }
            int n = ch.write(buf);
            written += n;
            if (n == 0) {
                stalls++;
                LockSupport.parkNanos(2_000_000);
            } else {
                stalls = 0;
            }
        }
        return written;
    }
}
