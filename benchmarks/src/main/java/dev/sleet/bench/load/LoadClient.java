package dev.sleet.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * The load generator: a WebSocket client of its own on plain NIO (a few selector threads, no WebSocket library),
 * so that every server is driven by exactly the same bytes. Client frames are masked (RFC 6455 §5.3) and prepared
 * once; server frames are parsed by a small resumable reader that answers pings with pongs.
 *
 * <p>Modes (each bounded by connection count and time, 127.0.0.1 only):
 * <ul>
 *   <li>{@code echo}: {@code --conns} connections each keep {@code --depth} text messages of {@code --size} bytes
 *       in flight; a per-connection FIFO of send times gives the latency of each echo. Prints messages/s and
 *       p50/p99/p999 over the measurement window.</li>
 *   <li>{@code idle}: opens {@code --conns} connections, prints {@code READY n}, waits for a line on standard
 *       input (or {@code --hold} seconds), closes them, prints {@code CLOSED}. After the input line {@code again}
 *       it waits for a line {@code open} and repeats (one open/close cycle warms a server up; the orchestrator
 *       measures the empty server before it says {@code open}).</li>
 *   <li>{@code fanout}: {@code --conns} members and one publisher connection ({@code /pub}); the publisher keeps
 *       {@code --window} broadcasts in flight (a broadcast is done when every member has it). Prints deliveries/s
 *       and the time from send until the last member had each broadcast.</li>
 * </ul>
 * Progress lines for the orchestrator: {@code CONNECTED n}, {@code MEASURE_START}, {@code MEASURE_END},
 * {@code RESULT key=value ...}.
 */
public final class LoadClient {
    private static final int OP_CONT = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;

    // ---------------------------------------------------------------------------------------- options
    private String mode = "echo";
    private int port;
    private int conns = 100;
    private int threads = 2;
    private int size = 32;
    private int depth = 16;
    private int window = 16;
    private int warmupSeconds = 5;
    private int measureSeconds = 10;
    private int sources = 1;
    private int holdSeconds = 120;

    // ---------------------------------------------------------------------------------------- shared state
    private volatile boolean measuring;
    private volatile boolean running = true;

    public static void main(String[] argv) throws Exception {
        LoadClient c = new LoadClient();
        for (int i = 0; i < argv.length; i++) {
            String v = i + 1 < argv.length ? argv[i + 1] : null;
            switch (argv[i]) {
                case "--mode" -> c.mode = v;
                case "--port" -> c.port = Integer.parseInt(v);
                case "--conns" -> c.conns = Integer.parseInt(v);
                case "--threads" -> c.threads = Integer.parseInt(v);
                case "--size" -> c.size = Integer.parseInt(v);
                case "--depth" -> c.depth = Integer.parseInt(v);
                case "--window" -> c.window = Integer.parseInt(v);
                case "--warmup" -> c.warmupSeconds = Integer.parseInt(v);
                case "--measure" -> c.measureSeconds = Integer.parseInt(v);
                case "--sources" -> c.sources = Integer.parseInt(v);
                case "--hold" -> c.holdSeconds = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
            i++;
        }
        if (c.port <= 0) {
            throw new IllegalArgumentException("--port N is required");
        }
        switch (c.mode) {
            case "echo" -> c.runEcho();
            case "idle" -> c.runIdle();
            case "fanout" -> c.runFanout();
            default -> throw new IllegalArgumentException("unknown mode " + c.mode);
        }
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    // ---------------------------------------------------------------------------------------- connecting

    /** Opens a connection (blocking handshake), from source address 127.0.0.(2 + i % sources) when sources > 1. */
    private SocketChannel open(int i, String path, ByteBuffer leftover) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (sources > 1) {
            ch.bind(new InetSocketAddress("127.0.0." + (2 + i % sources), 0));
        }
        ch.connect(new InetSocketAddress("127.0.0.1", port));
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + java.util.Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ByteBuffer in = ByteBuffer.allocate(4096);
        int end;
        while ((end = headEnd(in)) < 0) {
            if (ch.read(in) < 0) {
                throw new IOException("server closed during the handshake");
            }
            if (!in.hasRemaining()) {
                throw new IOException("handshake response too long");
            }
        }
        String head = new String(in.array(), 0, end, StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
        }
        leftover.clear();
        leftover.put(in.array(), end, in.position() - end);
        leftover.flip();
        ch.configureBlocking(false);
        return ch;
    }

    /** Index just past CRLFCRLF in {@code b[0, position)}, or -1. */
    private static int headEnd(ByteBuffer b) {
        byte[] a = b.array();
        for (int i = 3; i < b.position(); i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** One masked client frame (RFC 6455 §5.2): FIN, the opcode, the mask key, the masked payload. */
    static byte[] maskedFrame(int opcode, byte[] payload, int maskKey) {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + n];
        f[0] = (byte) (0b1000_0000 | opcode);
        if (n < 126) {
            f[1] = (byte) (0b1000_0000 | n);
        } else if (n < 65536) {
            f[1] = (byte) (0b1000_0000 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0b1000_0000 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        byte[] mask = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey};
        System.arraycopy(mask, 0, f, header, 4);
        for (int i = 0; i < n; i++) {
            f[header + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return f;
    }

    // ---------------------------------------------------------------------------------------- frame reader

    /**
     * Reads server frames (unmasked) across reads, with no allocation: reports each complete data message and
     * hands the first {@link #PREFIX} payload bytes of it to {@link #onMessage}. Pings are answered; a close ends
     * the connection.
     */
    abstract static class Conn {
        static final int PREFIX = 32;
        final SocketChannel ch;
        SelectionKey key;
        private final byte[] head = new byte[10];
        private int headHave;
        private int headNeed = 2;
        private long payloadLeft = -1; // -1: reading a header
        private int opcode;
        private boolean fin;
        final byte[] prefix = new byte[PREFIX];
        int prefixHave;
        private byte[] ping;
        private int pingHave;
        /** Control bytes (pongs) waiting to go out, written between data frames. */
        ByteBuffer control;
        boolean closed;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        /** A data message ended; {@code prefix[0, prefixHave)} holds the first payload bytes. */
        abstract void onMessage(long now);

        /** Writes pending output; called when the socket is writable or more may be sent. */
        abstract void writeMore(long now) throws IOException;

        void feed(ByteBuffer in, long now) throws IOException {
            while (in.hasRemaining()) {
                if (payloadLeft < 0) {
                    while (headHave < headNeed && in.hasRemaining()) {
                        head[headHave++] = in.get();
                        if (headHave == 2) {
                            int len7 = head[1] & 0x7F;
                            if ((head[1] & 0x80) != 0) {
                                throw new IOException("masked server frame");
                            }
                            headNeed = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
                        }
                    }
                    if (headHave < headNeed) {
                        return;
                    }
                    fin = (head[0] & 0x80) != 0;
                    int op = head[0] & 0x0F;
                    int len7 = head[1] & 0x7F;
                    long len = len7 < 126 ? len7 : len7 == 126 ? ((head[2] & 0xFF) << 8) | (head[3] & 0xFF) : readLong();
                    if (op != OP_CONT) {
                        opcode = op;
                        if (op == OP_TEXT || op == OP_BINARY) {
                            prefixHave = 0;
                        }
                    }
                    if (op == OP_PING) {
                        ping = new byte[(int) len];
                        pingHave = 0;
                    }
                    payloadLeft = len;
                    headHave = 0;
                    headNeed = 2;
                }
                int take = (int) Math.min(payloadLeft, in.remaining());
                int op = head[0] & 0x0F;
                if (op == OP_PING) {
                    in.get(ping, pingHave, take);
                    pingHave += take;
                } else {
                    int p = Math.min(take, PREFIX - prefixHave);
                    if (p > 0 && (op == OP_TEXT || op == OP_BINARY || op == OP_CONT)) {
                        in.get(prefix, prefixHave, p);
                        prefixHave += p;
                        in.position(in.position() + take - p);
                    } else {
                        in.position(in.position() + take);
                    }
                }
                payloadLeft -= take;
                if (payloadLeft == 0) {
                    payloadLeft = -1;
                    if (op == OP_PING) {
                        pong(now);
                    } else if (op == OP_CLOSE) {
                        closed = true;
                        return;
                    } else if (fin && (opcode == OP_TEXT || opcode == OP_BINARY)) {
                        onMessage(now);
                    }
                }
            }
        }

        private long readLong() {
            long v = 0;
            for (int i = 2; i < 10; i++) {
                v = (v << 8) | (head[i] & 0xFF);
            }
            return v;
        }

        private void pong(long now) throws IOException {
            byte[] frame = maskedFrame(0xA, ping, ThreadLocalRandom.current().nextInt());
            ByteBuffer c = control;
            if (c == null || !c.hasRemaining()) {
                control = ByteBuffer.wrap(frame);
            } else {
                ByteBuffer both = ByteBuffer.allocate(c.remaining() + frame.length);
                both.put(c).put(frame).flip();
                control = both;
            }
            writeMore(now);
        }

        /** Writes pending control bytes; true when none are left. */
        boolean flushControl() throws IOException {
            if (control == null) {
                return true;
            }
            ch.write(control);
            if (control.hasRemaining()) {
                return false;
            }
            control = null;
            return true;
        }

        void wantWrite(boolean on) {
            int ops = on ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }
    }

    /** A selector thread and the connections it owns. */
    final class IoThread extends Thread {
        final Selector selector;
        final List<Conn> owned = new ArrayList<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long messages;
        long errors;

        IoThread(String name) throws IOException {
            super(name);
            setDaemon(true);
            this.selector = Selector.open();
        }

        void add(Conn c) throws IOException {
            c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
            owned.add(c);
        }

        @Override
        public void run() {
            try {
                long now = System.nanoTime();
                for (Conn c : owned) {
                    c.writeMore(now);
                }
                while (running) {
                    selector.select(100);
                    now = System.nanoTime();
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        Conn c = (Conn) k.attachment();
                        if (!k.isValid()) {
                            continue;
                        }
                        try {
                            if (k.isReadable()) {
                                readBuffer.clear();
                                int n = c.ch.read(readBuffer);
                                if (n < 0) {
                                    errors++;
                                    k.cancel();
                                    continue;
                                }
                                readBuffer.flip();
                                c.feed(readBuffer, now);
                            }
                            if (k.isValid()) {
                                c.writeMore(now);
                            }
                        } catch (IOException e) {
                            errors++;
                            k.cancel();
                        }
                    }
                }
            } catch (IOException e) {
                errors++;
                System.err.println(getName() + ": " + e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------- echo

    /** Echo connection: keeps {@code depth} prepared frames in flight. */
    final class EchoConn extends Conn {
        final IoThread owner;
        final ByteBuffer frames;  // depth copies of the same masked frame
        final int frameLen;
        final long[] sendTimes;
        int sentHead;
        int inFlight;
        int pendingFrames;        // frames of the current write not yet fully written

        EchoConn(SocketChannel ch, IoThread owner, ByteBuffer frames, int frameLen) {
            super(ch);
            this.owner = owner;
            this.frames = frames;
            this.frameLen = frameLen;
            this.sendTimes = new long[depth];
        }

        @Override
        void onMessage(long now) {
            if (inFlight == 0) {
                owner.errors++; // an echo nobody asked for
                return;
            }
            long t = sendTimes[sentHead];
            sentHead = (sentHead + 1) % depth;
            inFlight--;
            if (measuring) {
                owner.messages++;
                owner.latency.recordValue(Math.max(0, now - t));
            }
        }

        @Override
        void writeMore(long now) throws IOException {
            if (frames.hasRemaining()) {
                ch.write(frames);
                if (frames.hasRemaining()) {
                    wantWrite(true);
                    return;
                }
            }
            if (!flushControl()) {
                wantWrite(true);
                return;
            }
            int room = depth - inFlight;
            if (room > 0 && running) {
                for (int i = 0; i < room; i++) {
                    sendTimes[(sentHead + inFlight + i) % depth] = now;
                }
                inFlight += room;
                frames.clear().limit(room * frameLen);
                ch.write(frames);
                if (frames.hasRemaining()) {
                    wantWrite(true);
                    return;
                }
            }
            wantWrite(false);
        }
    }

    private void runEcho() throws Exception {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        byte[] frame = maskedFrame(OP_TEXT, payload, 0x1F2E3D4C);
        ByteBuffer template = ByteBuffer.allocateDirect(frame.length * depth);
        for (int i = 0; i < depth; i++) {
            template.put(frame);
        }
        IoThread[] io = startThreads("echo");
        ByteBuffer leftover = ByteBuffer.allocate(4096);
        for (int i = 0; i < conns; i++) {
            SocketChannel ch = open(i, "/", leftover);
            IoThread t = io[i % io.length];
            ByteBuffer frames = template.duplicate();
            frames.position(frames.limit()); // nothing pending yet
            t.add(new EchoConn(ch, t, frames, frame.length));
        }
        say("CONNECTED " + conns);
        for (IoThread t : io) {
            t.start();
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        long startCpu = ProcessCpu.selfNanos();
        measuring = true;
        long start = System.nanoTime();
        say("MEASURE_START");
        Thread.sleep(TimeUnit.SECONDS.toMillis(measureSeconds));
        measuring = false;
        long elapsed = System.nanoTime() - start;
        long cpu = ProcessCpu.selfNanos() - startCpu;
        say("MEASURE_END");
        running = false;
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long messages = 0;
        long errors = 0;
        for (IoThread t : io) {
            t.join(2000);
            synchronized (t) {
                all.add(t.latency);
                messages += t.messages;
                errors += t.errors;
            }
        }
        double secs = elapsed / 1e9;
        say(String.format(java.util.Locale.ROOT,
                "RESULT mode=echo conns=%d size=%d depth=%d msgs=%d msgsPerSec=%.0f p50us=%.1f p99us=%.1f"
                        + " p999us=%.1f maxus=%.1f clientCpu=%.3f errors=%d",
                conns, size, depth, messages, messages / secs, all.getValueAtPercentile(50) / 1e3,
                all.getValueAtPercentile(99) / 1e3, all.getValueAtPercentile(99.9) / 1e3, all.getMaxValue() / 1e3,
                cpu / (double) elapsed, errors));
    }

    private IoThread[] startThreads(String name) throws IOException {
        IoThread[] io = new IoThread[threads];
        for (int i = 0; i < threads; i++) {
            io[i] = new IoThread("load-" + name + "-" + i);
        }
        return io;
    }

    // ---------------------------------------------------------------------------------------- idle

    private void runIdle() throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        ByteBuffer leftover = ByteBuffer.allocate(4096);
        while (true) {
            List<SocketChannel> open = new ArrayList<>(conns);
            long t0 = System.nanoTime();
            // several opener threads: the handshakes are sequential per thread
            int openers = Math.max(1, threads);
            CountDownLatch done = new CountDownLatch(openers);
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<List<SocketChannel>> parts = new ArrayList<>();
            for (int t = 0; t < openers; t++) {
                List<SocketChannel> part = new ArrayList<>();
                parts.add(part);
                int first = t;
                Thread th = new Thread(() -> {
                    ByteBuffer lo = ByteBuffer.allocate(4096);
                    try {
                        for (int i = first; i < conns; i += openers) {
                            part.add(open(i, "/", lo));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                }, "opener-" + t);
                th.start();
            }
            done.await();
            parts.forEach(open::addAll);
            if (!failures.isEmpty()) {
                say("FAILED " + open.size() + " " + failures.get(0));
            }
            say(String.format(java.util.Locale.ROOT, "READY %d %.1fs", open.size(), (System.nanoTime() - t0) / 1e9));
            // Idle connections still answer pings, as a browser would: a reader thread drains them.
            Selector sel = Selector.open();
            for (SocketChannel ch : open) {
                ch.register(sel, SelectionKey.OP_READ, new Conn(ch) {
                    @Override
                    void onMessage(long now) {
                    }

                    @Override
                    void writeMore(long now) throws IOException {
                        flushControl();
                    }
                });
            }
            AtomicLong stop = new AtomicLong();
            Thread reader = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(65536);
                try {
                    while (stop.get() == 0) {
                        sel.select(100);
                        for (SelectionKey k : sel.selectedKeys()) {
                            buf.clear();
                            Conn c = (Conn) k.attachment();
                            if (c.ch.read(buf) < 0) {
                                k.cancel();
                                continue;
                            }
                            buf.flip();
                            c.feed(buf, System.nanoTime());
                        }
                        sel.selectedKeys().clear();
                    }
                } catch (IOException e) {
                    System.err.println("idle reader: " + e);
                }
            }, "idle-reader");
            reader.setDaemon(true);
            reader.start();
            String line = readLineWithin(stdin, holdSeconds);
            stop.set(1);
            reader.join(1000);
            sel.close();
            for (SocketChannel ch : open) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            say("CLOSED " + open.size());
            if (!"again".equals(line)) {
                return;
            }
            // The orchestrator measures the server with no connections open, then says "open".
            if (stdin.readLine() == null) {
                return;
            }
        }
    }

    private static String readLineWithin(BufferedReader in, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (in.ready()) {
                return in.readLine();
            }
            Thread.sleep(20);
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------- fan-out

    private static final int RING = 1 << 16;

    /** Per broadcast: members that have it, and when it was sent. Indexed by seq & (RING - 1). */
    private final AtomicLongArray received = new AtomicLongArray(RING);
    private final AtomicLongArray sentAt = new AtomicLongArray(RING);
    private final AtomicLong completed = new AtomicLong();
    private volatile Thread publisherThread;
    private final Histogram lastMember = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram firstMember = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

    /** A member: reads broadcasts, finds each one's sequence number in the first 16 payload bytes. */
    final class MemberConn extends Conn {
        final IoThread owner;

        MemberConn(SocketChannel ch, IoThread owner) {
            super(ch);
            this.owner = owner;
        }

        @Override
        void onMessage(long now) {
            if (prefixHave < 16) {
                owner.errors++;
                return;
            }
            long seq = parseHex(prefix, 0);
            int slot = (int) (seq & (RING - 1));
            long n = received.incrementAndGet(slot);
            if (measuring) {
                owner.messages++;
            }
            if (n == 1 && measuring) {
                synchronized (firstMember) {
                    firstMember.recordValue(Math.max(0, now - sentAt.get(slot)));
                }
            }
            if (n == conns) {
                received.set(slot, 0);
                if (measuring) {
                    synchronized (lastMember) {
                        lastMember.recordValue(Math.max(0, now - sentAt.get(slot)));
                    }
                }
                completed.incrementAndGet();
                java.util.concurrent.locks.LockSupport.unpark(publisherThread);
            }
        }

        @Override
        void writeMore(long now) throws IOException {
            if (!flushControl()) {
                wantWrite(true);
            } else {
                wantWrite(false);
            }
        }
    }

    private static long parseHex(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < 16; i++) {
            int c = a[off + i];
            v = (v << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return v;
    }

    private static void putHex(byte[] a, int off, long v) {
        for (int i = 15; i >= 0; i--) {
            int d = (int) (v & 0xF);
            a[off + i] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
            v >>>= 4;
        }
    }

    private void runFanout() throws Exception {
        if (size < 16) {
            throw new IllegalArgumentException("--size must be at least 16 in fanout mode");
        }
        if (window * 2 > RING) {
            throw new IllegalArgumentException("--window too large");
        }
        IoThread[] io = startThreads("member");
        ByteBuffer leftover = ByteBuffer.allocate(4096);
        for (int i = 0; i < conns; i++) {
            SocketChannel ch = open(i, "/room", leftover);
            IoThread t = io[i % io.length];
            MemberConn m = new MemberConn(ch, t);
            t.add(m);
        }
        SocketChannel pub = open(conns, "/pub", leftover);
        pub.configureBlocking(true);
        say("CONNECTED " + conns);
        for (IoThread t : io) {
            t.start();
        }
        Thread.sleep(500); // members' joins are asynchronous on some servers: let them land
        Thread publisher = new Thread(() -> publish(pub), "publisher");
        publisher.setDaemon(true);
        publisherThread = publisher;
        publisher.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        long startCpu = ProcessCpu.selfNanos();
        long startCompleted = completed.get();
        measuring = true;
        long start = System.nanoTime();
        say("MEASURE_START");
        Thread.sleep(TimeUnit.SECONDS.toMillis(measureSeconds));
        measuring = false;
        long elapsed = System.nanoTime() - start;
        long cpu = ProcessCpu.selfNanos() - startCpu;
        long broadcasts = completed.get() - startCompleted;
        say("MEASURE_END");
        running = false;
        long deliveries = 0;
        long errors = 0;
        for (IoThread t : io) {
            t.join(2000);
            deliveries += t.messages;
            errors += t.errors;
        }
        publisher.join(2000);
        double secs = elapsed / 1e9;
        Histogram last;
        Histogram first;
        synchronized (lastMember) {
            last = lastMember.copy();
        }
        synchronized (firstMember) {
            first = firstMember.copy();
        }
        say(String.format(java.util.Locale.ROOT,
                "RESULT mode=fanout conns=%d size=%d window=%d deliveries=%d deliveriesPerSec=%.0f"
                        + " broadcastsPerSec=%.1f lastP50us=%.0f lastP99us=%.0f firstP50us=%.0f clientCpu=%.3f errors=%d",
                conns, size, window, deliveries, deliveries / secs, broadcasts / secs,
                last.getValueAtPercentile(50) / 1e3, last.getValueAtPercentile(99) / 1e3,
                first.getValueAtPercentile(50) / 1e3, cpu / (double) elapsed, errors));
    }

    /** The publisher: at most {@code window} broadcasts not yet received by every member. */
    private void publish(SocketChannel pub) {
        byte[] payload = new byte[size];
        for (int i = 16; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        long seq = 0;
        try {
            while (running) {
                if (seq - completed.get() >= window) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a member's completion unparks us
                    continue;
                }
                putHex(payload, 0, seq);
                int slot = (int) (seq & (RING - 1));
                sentAt.set(slot, System.nanoTime());
                ByteBuffer frame = ByteBuffer.wrap(maskedFrame(OP_TEXT, payload, (int) seq * 0x9E3779B1));
                while (frame.hasRemaining()) {
                    pub.write(frame);
                }
                seq++;
            }
        } catch (IOException e) {
            if (running) {
                System.err.println("publisher: " + e);
            }
        }
    }
}
