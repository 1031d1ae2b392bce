package dev.sleet.bench.tls;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small, bounded load generator of blocking TLS sockets, one thread per connection. Two workloads: echo
 * (each connection writes a batch of masked frames in one write and reads the same number of echoes back, so
 * the server always has work queued) and handshakes (each thread connects, completes a full TLS handshake and the
 * WebSocket upgrade, and drops the connection). Every run stops by itself after its duration.
 */
final class TlsLoadClient {
    private static final String UPGRADE = "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private final SSLSocketFactory factory;
    private final int port;
    private final AtomicLong unique = new AtomicLong();

    TlsLoadClient(SSLSocketFactory factory, int port) {
        this.factory = factory;
        this.port = port;
    }

    /** One masked binary frame (RFC 6455 §5.2, client to server) of {@code size} bytes. */
    static byte[] maskedFrame(int size) {
        ByteBuffer b = ByteBuffer.allocate(size + 14);
        b.put((byte) 0x82);
        if (size < 126) {
            b.put((byte) (0x80 | size));
        } else if (size < 65536) {
            b.put((byte) (0x80 | 126)).putShort((short) size);
        } else {
            b.put((byte) (0x80 | 127)).putLong(size);
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        b.put(mask);
        for (int i = 0; i < size; i++) {
            b.put((byte) ((i & 0x3F) ^ mask[i & 3]));
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** Bytes of one unmasked server frame carrying {@code size} bytes. */
    static int serverFrameLength(int size) {
        return size + (size < 126 ? 2 : size < 65536 ? 4 : 10);
    }

    /**
     * Opens a TLS connection with a host name never used before, so the client has no session to resume and
     * every handshake is a full one.
     */
    SSLSocket open() throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        raw.setTcpNoDelay(true);
        SSLSocket s = (SSLSocket) factory.createSocket(raw, "c" + unique.incrementAndGet() + ".bench.test", port, true);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** Sends the upgrade and reads the 101 head; fails on anything else. */
    static void upgrade(SSLSocket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                break;
            }
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    /** Drops a connection without a TIME_WAIT on the client side (SO_LINGER 0), as load generators do. */
    static void drop(SSLSocket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }

    /** Echo workload: messages echoed per second over {@code seconds}, after {@code warmupSeconds}. */
    double echo(int connections, int size, int batch, double warmupSeconds, double seconds) throws Exception {
        byte[] frame = maskedFrame(size);
        byte[] burst = new byte[frame.length * batch];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
        }
        int expect = serverFrameLength(size) * batch;
        AtomicLong echoed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                SSLSocket s = null;
                try {
                    s = open();
                    upgrade(s);
                    OutputStream out = s.getOutputStream();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] back = new byte[expect];
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        out.write(burst);
                        out.flush();
                        in.readFully(back);
                        if (back[0] != (byte) 0x82) {
                            throw new IOException("not an echo: first byte " + back[0]);
                        }
                        if (System.nanoTime() >= measureFrom) {
                            echoed.addAndGet(batch);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    if (s != null) {
                        drop(s);
                    }
                }
            }, "echo-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(60_000 + (long) ((warmupSeconds + seconds) * 1000));
        }
        if (!failures.isEmpty()) {
            throw new IOException("echo load failed: " + failures.get(0), failures.get(0));
        }
        return echoed.get() / seconds;
    }

    /** Handshake workload: full TLS handshakes plus upgrades per second over {@code seconds}, after warm-up. */
    double handshakes(int threads, double warmupSeconds, double seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        SSLSocket s = open();
                        try {
                            upgrade(s);
                        } finally {
                            drop(s);
                        }
                        long now = System.nanoTime();
                        if (now >= measureFrom && now < end) {
                            done.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "handshake-client-" + i);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join(60_000 + (long) ((warmupSeconds + seconds) * 1000));
        }
        if (!failures.isEmpty()) {
            throw new IOException("handshake load failed: " + failures.get(0), failures.get(0));
        }
        return done.get() / seconds;
    }
}
