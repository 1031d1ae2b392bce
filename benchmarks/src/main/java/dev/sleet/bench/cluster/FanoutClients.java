package dev.sleet.bench.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Many WebSocket clients read by one thread over a selector: the receiving side of a fan-out benchmark. Each
 * client only reads; every text frame it gets carries the send time ({@code System.nanoTime()}, same JVM) as
 * leading ASCII digits, so the reader records the latency of each delivery into a histogram for the client's
 * node. Server frames are unmasked (RFC 6455 §5.1), so parsing is header, length, payload.
 */
final class FanoutClients implements AutoCloseable {
    private final Selector selector;
    private final List<Client> clients = new ArrayList<>();
    private final Thread reader;
    private final AtomicLong deliveries = new AtomicLong();
    private final Histogram[] byNode;
    private volatile boolean recording;
    private volatile boolean running = true;

    private static final class Client {
        final SocketChannel channel;
        final int node;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

        Client(SocketChannel channel, int node) {
            this.channel = channel;
            this.node = node;
        }
    }

    FanoutClients(int nodes) throws IOException {
        this.selector = Selector.open();
        this.byNode = new Histogram[nodes];
        for (int i = 0; i < nodes; i++) {
            byNode[i] = new Histogram(3_600_000_000_000L, 3);
        }
        this.reader = Thread.ofPlatform().name("fanout-clients").daemon().unstarted(this::readLoop);
    }

    /** Opens a WebSocket to {@code port} at {@code path} (blocking handshake), then hands it to the reader. */
    void connect(int node, int port, String path) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ch.socket().setTcpNoDelay(true);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer head = ByteBuffer.allocate(1024);
        while (true) { // read byte by byte to the end of the response head, so no frame byte is consumed here
            ByteBuffer one = ByteBuffer.allocate(1);
            if (ch.read(one) < 0) {
                throw new IOException("closed during the handshake");
            }
            head.put(one.array()[0]);
            int n = head.position();
            if (n >= 4 && head.get(n - 4) == '\r' && head.get(n - 3) == '\n' && head.get(n - 2) == '\r'
                    && head.get(n - 1) == '\n') {
                break;
            }
        }
        String response = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + response);
        }
        ch.configureBlocking(false);
        Client c = new Client(ch, node);
        clients.add(c);
        ch.register(selector, SelectionKey.OP_READ, c);
    }

    /** Starts reading; call after every {@link #connect}. */
    void start() {
        reader.start();
    }

    long deliveries() {
        return deliveries.get();
    }

    /** Starts (or stops) recording latencies; resets the histograms when starting. */
    void recording(boolean on) {
        if (on) {
            synchronized (byNode) {
                for (Histogram h : byNode) {
                    h.reset();
                }
            }
        }
        recording = on;
    }

    /** A copy of the histogram of deliveries to clients of {@code node} (0-based). */
    Histogram histogram(int node) {
        synchronized (byNode) {
            return byNode[node].copy();
        }
    }

    private void readLoop() {
        try {
            while (running) {
                selector.select(100);
                for (SelectionKey k : selector.selectedKeys()) {
                    Client c = (Client) k.attachment();
                    int n = c.channel.read(c.in);
                    if (n < 0) {
                        k.cancel();
                        continue;
                    }
                    parse(c);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (running) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private void parse(Client c) {
        ByteBuffer b = c.in;
        b.flip();
        long now = System.nanoTime();
        while (b.remaining() >= 2) {
            int start = b.position();
            int len7 = b.get(start + 1) & 0x7F;
            int header = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
            if (b.remaining() < header) {
                break;
            }
            long len = len7 < 126 ? len7 : len7 == 126 ? b.getShort(start + 2) & 0xFFFF : b.getLong(start + 2);
            if (b.remaining() < header + len) {
                break;
            }
            int opcode = b.get(start) & 0x0F;
            if (opcode == 1) {
                long sent = 0;
                for (int i = start + header; i < start + header + len; i++) {
                    byte d = b.get(i);
                    if (d < '0' || d > '9') {
                        break;
                    }
                    sent = sent * 10 + (d - '0');
                }
                deliveries.incrementAndGet();
                if (recording) {
                    synchronized (byNode) {
                        byNode[c.node].recordValue(Math.max(now - sent, 0));
                    }
                }
            }
            b.position((int) (start + header + len));
        }
        b.compact();
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Client c : clients) {
            c.channel.close();
        }
        selector.close();
    }
}
