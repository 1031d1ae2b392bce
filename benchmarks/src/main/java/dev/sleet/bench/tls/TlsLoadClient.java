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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small, bounded load generator of blocking TLS sockets, one thread per connection. Two workloads: echo
 * (each connection writes a batch of masked frames in one write and reads the same number of echoes back, so
 * the server always has work queued; every echoed byte is checked) and handshakes (each thread connects, completes a
 * full TLS handshake and the WebSocket upgrade, and drops the connection). Every run stops by itself after its
 * duration, and every blocking socket call has a timeout.
 *
 * <p>Thread ownership: {@code factory} and {@code port} are final; {@code unique} is an atomic counter shared by
 * the load threads. Each workload's counters and failure list are shared by its load threads (atomics, a
 * copy-on-write list) and read by the calling thread after it has joined them.
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

    /** The protocol and cipher suite a new connection negotiates, e.g. {@code TLSv1.3 TLS_AES_128_GCM_SHA256}. */
    String negotiated() throws IOException {
        SSLSocket s = open();
        try {
            upgrade(s);
            return s.getSession().getProtocol() + " " + s.getSession().getCipherSuite();
        } finally {
            drop(s);
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

    /**
     * The measured window of a workload: {@link #opened} is called when it starts and {@link #closed} when it ends,
     * on the thread that runs the workload, at the same {@code System.nanoTime} deadlines that decide which
     * replies are counted. The orchestrator samples the server's CPU time and allocation there.
     */
    interface Window {
        Window NONE = new Window() {
            @Override
            public void opened() {
            }

            @Override
            public void closed() {
            }
        };

        void opened() throws Exception;

        void closed() throws Exception;
    }

    /** The bytes {@code batch} echoes of {@link #maskedFrame} must come back as: the same frames, unmasked. */
    static byte[] expectedEchoes(int size, int batch) {
        int frameLength = serverFrameLength(size);
        ByteBuffer b = ByteBuffer.allocate(frameLength * batch);
        for (int f = 0; f < batch; f++) {
            b.put((byte) 0x82);
            if (size < 126) {
                b.put((byte) size);
            } else if (size < 65536) {
                b.put((byte) 126).putShort((short) size);
            } else {
                b.put((byte) 127).putLong(size);
            }
            for (int i = 0; i < size; i++) {
                b.put((byte) (i & 0x3F));
            }
        }
        return b.array();
    }

    /** Fails unless {@code back} equals {@code expected}, naming the first frame and byte that differ. */
    static void checkEchoes(byte[] back, byte[] expected, int size) throws IOException {
        int at = Arrays.mismatch(back, expected);
        if (at >= 0) {
            int frameLength = serverFrameLength(size);
            throw new IOException(String.format(Locale.ROOT, "wrong echo: frame %d of the burst, byte %d of %d "
                    + "(header %d bytes) is 0x%02x, expected 0x%02x", at / frameLength, at % frameLength,
                    frameLength, frameLength - size, back[at] & 0xFF, expected[at] & 0xFF));
        }
    }

    /**
     * Echo workload: the number of messages echoed in the measured window of {@code seconds}, which starts after
     * {@code warmupSeconds}. A burst counts when its last echo arrives inside the window. Every echoed byte is
     * checked (each frame's header, length and payload); any difference fails the workload.
     */
    long echo(int connections, int size, int batch, double warmupSeconds, double seconds, Window window)
            throws Exception {
        byte[] frame = maskedFrame(size);
        byte[] burst = new byte[frame.length * batch];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
        }
        byte[] expected = expectedEchoes(size, batch);
        AtomicLong echoed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                SSLSocket s = null;
                try {
                    s = open();
                    upgrade(s);
                    OutputStream out = s.getOutputStream();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] back = new byte[expected.length];
                    while (System.nanoTime() < end && failures.isEmpty()) {
                        out.write(burst);
                        out.flush();
                        in.readFully(back);
                        checkEchoes(back, expected, size);
                        long now = System.nanoTime();
                        if (now >= measureFrom && now < end) {
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
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        runWindow(measureFrom, end, window, threads, failures, "echo");
        return echoed.get();
    }

    /**
     * Handshake workload: full TLS handshakes plus upgrades completed in the measured window of {@code seconds},
     * after {@code warmupSeconds}.
     */
    long handshakes(int threads, double warmupSeconds, double seconds, Window window) throws Exception {
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end && failures.isEmpty()) {
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
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        runWindow(measureFrom, end, window, workers, failures, "handshake");
        return done.get();
    }

    /**
     * On the calling thread: opens and closes the window at its deadlines (unless a load thread failed first),
     * then waits for the load threads (each blocking call on their sockets is bounded by a timeout) and fails on
     * the first failure or on a thread that did not stop.
     */
    private static void runWindow(long measureFrom, long end, Window window, List<Thread> threads,
            List<Throwable> failures, String what) throws Exception {
        if (sleepUntil(measureFrom, failures)) {
            window.opened();
            if (sleepUntil(end, failures)) {
                window.closed();
            }
        }
        long joinDeadline = System.nanoTime() + 60_000_000_000L;
        for (Thread t : threads) {
            t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
        }
        if (!failures.isEmpty()) {
            throw new IOException(what + " load failed: " + failures.get(0), failures.get(0));
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                throw new IOException(what + " load: " + t.getName() + " still running 60 s after the end");
            }
        }
    }

    /** Sleeps until {@code deadline}; false as soon as a load thread has failed. */
    private static boolean sleepUntil(long deadline, List<Throwable> failures) throws InterruptedException {
        while (failures.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            Thread.sleep(Math.min(left / 1_000_000 + 1, 50));
        }
        return false;
    }
}
