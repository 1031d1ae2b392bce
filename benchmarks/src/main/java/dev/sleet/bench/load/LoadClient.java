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
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * The load generator: a WebSocket client of its own on plain NIO (a few selector threads, no WebSocket library),
 * so that every server is driven by exactly the same bytes. Client frames are masked (RFC 6455 §5.3) and prepared
 * once per connection; server frames are parsed by a small resumable reader that answers pings with pongs.
 *
 * <p><b>Every reply is checked.</b> Each message's payload starts with a 16-digit hexadecimal sequence number
 * (per connection for echo, per broadcast for fan-out) followed by fixed bytes; the reader checks the opcode, the
 * length and every payload byte against what was sent, that each connection's replies come in the order sent, and
 * for fan-out that every member gets every broadcast exactly once, in order. When the measured window ends the
 * client stops sending and waits for everything still in flight. A wrong byte, a reply out of order, a missing or
 * extra reply and a connection the server closed or reset are counted; the {@code RESULT} line carries
 * {@code errors=}, {@code dropped=} and {@code lost=}, and the orchestrator fails a run where any is not zero.
 *
 * <p>Payloads ({@code --payload}): {@code ascii} text, {@code mixed} text (Cyrillic, CJK, emoji and ASCII mixed:
 * valid UTF-8 where most bytes belong to multi-byte characters), or {@code binary} (random bytes).
 *
 * <p>Modes (each bounded by connection count and time, 127.0.0.1 only):
 * <ul>
 *   <li>{@code echo}: {@code --conns} connections each keep {@code --depth} messages of {@code --size} bytes in
 *       flight; a per-connection FIFO of send times gives the latency of each echo. Prints messages/s and
 *       p50/p99/p999 over the measurement window.</li>
 *   <li>{@code idle}: reads commands on standard input: {@code open N} opens connections until {@code N} are open
 *       and prints {@code READY n}; {@code close} closes them all and prints {@code CLOSED n}; end of input (or
 *       {@code --hold} seconds without a command) closes them and exits. Open connections answer pings.</li>
 *   <li>{@code fanout}: {@code --conns} members and one publisher connection ({@code /pub}); the publisher keeps
 *       {@code --window} broadcasts in flight (a broadcast is done when every member has it; {@code --window 1}
 *       is one broadcast at a time). Prints deliveries/s and the time from send until the last member had each
 *       broadcast.</li>
 * </ul>
 * Progress lines for the orchestrator: {@code CONNECTED n}, {@code MEASURE_START}, {@code MEASURE_END},
 * {@code RESULT key=value ...}; up to ten {@code CHECK ...} lines on standard error describe the first errors.
 */
public final class LoadClient {
    private static final int OP_CONT = 0;
    public static final int OP_TEXT = 1;
    public static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    /** Payload bytes [0, SEQ) hold the message's sequence number in hexadecimal. */
    public static final int SEQ = 16;

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
    private String payloadKind = "ascii";

    // ---------------------------------------------------------------------------------------- shared state
    private volatile boolean measuring;
    /** False once the window has ended: no new messages are sent; replies still in flight are awaited. */
    private volatile boolean sending = true;
    private volatile boolean running = true;
    final AtomicLong errors = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger described = new AtomicInteger();

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
                case "--payload" -> c.payloadKind = v;
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

    /** Counts an error; the first ten are described on standard error. */
    void error(String what) {
        errors.incrementAndGet();
        if (described.getAndIncrement() < 10) {
            System.err.println("CHECK " + what);
        }
    }

    // ---------------------------------------------------------------------------------------- payloads

    /** Chat text in several scripts: 2-byte Cyrillic, 3-byte CJK, 4-byte emoji (a surrogate pair in Java) and ASCII. */
    private static final String MIXED = "Привет, как дела? 你好，今天天气很好。🙂🚀👍 ok! Ёжик 東京 🎉 ";

    /**
     * A message of exactly {@code size} bytes: bytes [0, {@link #SEQ}) are a placeholder for the sequence number,
     * the rest is ASCII letters, mixed-script UTF-8 (whole characters; ASCII fills the last bytes a character
     * would not fit in) or random bytes.
     */
    public static byte[] payload(String kind, int size) {
        if (size < SEQ) {
            throw new IllegalArgumentException("--size must be at least " + SEQ);
        }
        byte[] p = new byte[size];
        java.util.Arrays.fill(p, 0, SEQ, (byte) '0');
        switch (kind) {
            case "ascii" -> {
                for (int i = SEQ; i < size; i++) {
                    p[i] = (byte) ('a' + i % 26);
                }
            }
            case "binary" -> {
                byte[] r = new byte[size - SEQ];
                new Random(42).nextBytes(r);
                System.arraycopy(r, 0, p, SEQ, r.length);
            }
            case "mixed" -> {
                int at = SEQ;
                int cp = 0;
                while (at < size) {
                    int c = MIXED.codePointAt(cp);
                    cp = (cp + Character.charCount(c)) % MIXED.length();
                    byte[] b = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                    if (at + b.length > size) {
                        b = new byte[] {'.'};
                    }
                    System.arraycopy(b, 0, p, at, b.length);
                    at += b.length;
                }
            }
            default -> throw new IllegalArgumentException("--payload must be ascii, mixed or binary, not " + kind);
        }
        return p;
    }

    public static int opcodeOf(String kind) {
        return kind.equals("binary") ? OP_BINARY : OP_TEXT;
    }

    /** Share of the payload's bytes that belong to multi-byte UTF-8 characters (for the report). */
    public static double nonAsciiShare(byte[] p) {
        int n = 0;
        for (int i = SEQ; i < p.length; i++) {
            n += p[i] < 0 ? 1 : 0;
        }
        return n / (double) p.length;
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
        if (in.position() > end) {
            throw new IOException("the server sent " + (in.position() - end) + " bytes right after its 101");
        }
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

    /** Length of a client frame's header (without the mask key) for an {@code n}-byte payload. */
    static int headerLength(int n) {
        return n < 126 ? 2 : n < 65536 ? 4 : 10;
    }

    /** One masked client frame (RFC 6455 §5.2): FIN, the opcode, the mask key, the masked payload. */
    static byte[] maskedFrame(int opcode, byte[] payload, int maskKey) {
        int n = payload.length;
        int header = headerLength(n);
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

    /**
     * Writes {@code seq} as the masked sequence number of the frame at {@code at} in {@code frames} (a frame made by
     * {@link #maskedFrame} with the same {@code maskKey} and payload length).
     */
    static void patchSeq(ByteBuffer frames, int at, int header, int maskKey, long seq) {
        for (int i = SEQ - 1; i >= 0; i--) {
            int d = (int) (seq & 0xF);
            byte hex = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
            frames.put(at + header + 4 + i, (byte) (hex ^ (maskKey >>> (24 - 8 * (i & 3)))));
            seq >>>= 4;
        }
    }

    public static long parseHex(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < SEQ; i++) {
            int c = a[off + i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    public static void putHex(byte[] a, int off, long v) {
        for (int i = SEQ - 1; i >= 0; i--) {
            int d = (int) (v & 0xF);
            a[off + i] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
            v >>>= 4;
        }
    }

    // ---------------------------------------------------------------------------------------- frame reader

    /**
     * Reads server frames (unmasked) across reads, with no allocation, and checks each data message against the
     * expected one: its opcode, its length and every payload byte after the sequence number (which is handed to
     * {@link #onMessage}). Pings are answered; a close or a reset counts as a dropped connection.
     */
    abstract class Conn {
        final SocketChannel ch;
        SelectionKey key;
        private final byte[] head = new byte[10];
        private int headHave;
        private int headNeed = 2;
        private long payloadLeft = -1; // -1: reading a header
        private int opcode;
        private boolean fin;
        /** The message expected (its bytes [0, SEQ) are not compared) and its opcode. */
        private final byte[] expected;
        private final int expectedOpcode;
        /** Payload bytes of the current message read so far. */
        private long at;
        private boolean bad;
        final byte[] seq = new byte[SEQ];
        private byte[] ping;
        private int pingHave;
        /** Control bytes (pongs) waiting to go out, written between data frames. */
        ByteBuffer control;
        boolean closed;

        Conn(SocketChannel ch, byte[] expected, int expectedOpcode) {
            this.ch = ch;
            this.expected = expected;
            this.expectedOpcode = expectedOpcode;
        }

        /** A data message ended and matched; {@link #seq} holds its sequence number's digits. */
        abstract void onMessage(long now);

        /** Writes pending output; called when the socket is writable or more may be sent. */
        abstract void writeMore(long now) throws IOException;

        void feed(ByteBuffer in, long now) throws IOException {
            while (in.hasRemaining() && !closed) {
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
                    if (op == OP_TEXT || op == OP_BINARY) {
                        opcode = op;
                        at = 0;
                        bad = false;
                        if (op != expectedOpcode) {
                            error("opcode " + op + ", expected " + expectedOpcode);
                            bad = true;
                        }
                    } else if (op == OP_PING) {
                        ping = new byte[(int) len];
                        pingHave = 0;
                    } else if (op != OP_CONT && op != OP_CLOSE && op != 0xA) {
                        error("unexpected opcode " + op);
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
                } else if (op == OP_TEXT || op == OP_BINARY || op == OP_CONT) {
                    check(in, take);
                } else {
                    in.position(in.position() + take);
                }
                payloadLeft -= take;
                if (payloadLeft == 0) {
                    payloadLeft = -1;
                    if (op == OP_PING) {
                        pong(now);
                    } else if (op == OP_CLOSE) {
                        closed = true;
                        if (running) {
                            dropped.incrementAndGet();
                        }
                        return;
                    } else if (fin && op != 0xA) {
                        if (at != expected.length && !bad) {
                            error("message of " + at + " bytes, expected " + expected.length);
                            bad = true;
                        }
                        if (!bad) {
                            onMessage(now);
                        }
                    }
                }
            }
        }

        /** Consumes {@code take} payload bytes of a data message, comparing them with the expected ones. */
        private void check(ByteBuffer in, int take) {
            int pos = in.position();
            int k = 0;
            while (k < take && at < SEQ) {
                seq[(int) at++] = in.get(pos + k++);
            }
            int rest = take - k;
            if (rest > 0 && !bad) {
                if (at + rest > expected.length) {
                    error("message longer than " + expected.length + " bytes");
                    bad = true;
                } else if (in.slice(pos + k, rest).mismatch(ByteBuffer.wrap(expected, (int) at, rest)) >= 0) {
                    error("payload differs from what was sent, at byte " + at + "..." + (at + rest));
                    bad = true;
                }
            }
            at += rest;
            in.position(pos + take);
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

        /** True when nothing this connection sent is still waiting for its reply. */
        boolean settled() {
            return true;
        }
    }

    /** A selector thread and the connections it owns. */
    final class IoThread extends Thread {
        final Selector selector;
        final List<Conn> owned = new ArrayList<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long messages;
        /** Set once sending stopped and every owned connection has its replies (or is gone). */
        volatile boolean settled;

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
                                    c.closed = true;
                                    dropped.incrementAndGet();
                                    k.cancel();
                                    continue;
                                }
                                readBuffer.flip();
                                c.feed(readBuffer, now);
                                if (c.closed) {
                                    k.cancel();
                                    continue;
                                }
                            }
                            if (k.isValid()) {
                                c.writeMore(now);
                            }
                        } catch (IOException e) {
                            c.closed = true;
                            dropped.incrementAndGet();
                            error(getName() + ": " + e);
                            k.cancel();
                        }
                    }
                    if (!sending && !settled) {
                        boolean all = true;
                        for (Conn c : owned) {
                            all &= c.closed || c.settled();
                        }
                        settled = all;
                    }
                }
            } catch (IOException | RuntimeException e) {
                error(getName() + ": " + e);
                e.printStackTrace();
            }
        }
    }

    /** Waits up to 5 s for every thread's connections to have their replies. */
    private void awaitSettled(IoThread[] io) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (IoThread t : io) {
            while (!t.settled && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    // ---------------------------------------------------------------------------------------- echo

    /**
     * Echo connection: keeps {@code depth} frames in flight. Its frames buffer holds {@code depth} copies of the
     * masked frame; each send writes the next sequence numbers into the copies it sends.
     */
    final class EchoConn extends Conn {
        final IoThread owner;
        final ByteBuffer frames;
        final int frameLen;
        final int header;
        final int maskKey;
        final long[] sendTimes;
        int sentHead;
        int inFlight;
        long nextSend;
        long nextReply;

        EchoConn(SocketChannel ch, IoThread owner, ByteBuffer frames, int frameLen, int header, int maskKey,
                byte[] expected, int opcode) {
            super(ch, expected, opcode);
            this.owner = owner;
            this.frames = frames;
            this.frameLen = frameLen;
            this.header = header;
            this.maskKey = maskKey;
            this.sendTimes = new long[depth];
        }

        @Override
        void onMessage(long now) {
            long s = parseHex(seq, 0);
            if (inFlight == 0) {
                error("an echo nobody asked for (sequence " + s + ")");
                return;
            }
            if (s != nextReply) {
                error("reply " + s + " where " + nextReply + " was due (order or loss)");
            }
            nextReply = s + 1;
            long t = sendTimes[sentHead];
            sentHead = (sentHead + 1) % depth;
            inFlight--;
            if (measuring) {
                owner.messages++;
                owner.latency.recordValue(Math.max(0, now - t));
            }
        }

        @Override
        boolean settled() {
            return inFlight == 0;
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
            if (room > 0 && sending) {
                frames.clear();
                for (int i = 0; i < room; i++) {
                    sendTimes[(sentHead + inFlight + i) % depth] = now;
                    patchSeq(frames, i * frameLen, header, maskKey, nextSend++);
                }
                inFlight += room;
                frames.limit(room * frameLen);
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
        byte[] payload = payload(payloadKind, size);
        int opcode = opcodeOf(payloadKind);
        int maskKey = 0x1F2E3D4C;
        byte[] frame = maskedFrame(opcode, payload, maskKey);
        IoThread[] io = startThreads("echo");
        ByteBuffer leftover = ByteBuffer.allocate(4096);
        List<EchoConn> all = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            SocketChannel ch = open(i, "/", leftover);
            IoThread t = io[i % io.length];
            ByteBuffer frames = ByteBuffer.allocateDirect(frame.length * depth);
            for (int d = 0; d < depth; d++) {
                frames.put(frame);
            }
            frames.flip();
            frames.position(frames.limit()); // nothing pending yet
            EchoConn c = new EchoConn(ch, t, frames, frame.length, headerLength(size), maskKey, payload, opcode);
            t.add(c);
            all.add(c);
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
        sending = false;
        awaitSettled(io);
        running = false;
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long messages = 0;
        for (IoThread t : io) {
            t.join(2000);
            latency.add(t.latency);
            messages += t.messages;
        }
        long lost = 0;
        for (EchoConn c : all) {
            lost += c.closed ? 0 : c.inFlight; // a dropped connection is counted as dropped
        }
        if (messages == 0) {
            error("no echo at all in the measured window");
        }
        double secs = elapsed / 1e9;
        say(String.format(Locale.ROOT,
                "RESULT mode=echo conns=%d size=%d depth=%d payload=%s nonAscii=%.2f msgs=%d msgsPerSec=%.0f"
                        + " p50us=%.1f p99us=%.1f p999us=%.1f maxus=%.1f clientCpu=%.3f errors=%d dropped=%d lost=%d",
                conns, size, depth, payloadKind, nonAsciiShare(payload), messages, messages / secs,
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3, cpu / (double) elapsed,
                errors.get(), dropped.get(), lost));
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
        List<SocketChannel> open = new ArrayList<>(conns);
        // Idle connections still answer pings, as a browser would: a reader thread drains them.
        Selector sel = Selector.open();
        ConcurrentLinkedQueue<SocketChannel> toRegister = new ConcurrentLinkedQueue<>();
        byte[] none = new byte[SEQ];
        Thread reader = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            try {
                while (running) {
                    sel.select(100);
                    for (SocketChannel ch; (ch = toRegister.poll()) != null; ) {
                        Conn c = new Conn(ch, none, OP_TEXT) {
                            @Override
                            void onMessage(long now) {
                                error("a message on an idle connection");
                            }

                            @Override
                            void writeMore(long now) throws IOException {
                                flushControl();
                            }
                        };
                        c.key = ch.register(sel, SelectionKey.OP_READ, c);
                    }
                    for (SelectionKey k : sel.selectedKeys()) {
                        buf.clear();
                        Conn c = (Conn) k.attachment();
                        try {
                            if (c.ch.read(buf) < 0) {
                                dropped.incrementAndGet();
                                k.cancel();
                                continue;
                            }
                            buf.flip();
                            c.feed(buf, System.nanoTime());
                        } catch (IOException e) {
                            k.cancel(); // closed by the "close" command while selected, or reset
                            if (c.ch.isOpen()) {
                                dropped.incrementAndGet();
                            }
                        }
                    }
                    sel.selectedKeys().clear();
                }
            } catch (IOException e) {
                if (running) {
                    System.err.println("idle reader: " + e);
                }
            }
        }, "idle-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                String line = readLineWithin(stdin, holdSeconds);
                if (line == null || line.equals("quit")) {
                    return;
                }
                if (line.equals("close")) {
                    int n = open.size();
                    closeAll(open);
                    say("CLOSED " + n);
                } else if (line.startsWith("open ")) {
                    int target = Integer.parseInt(line.substring(5).trim());
                    long t0 = System.nanoTime();
                    List<SocketChannel> added = openMany(open.size(), target);
                    open.addAll(added);
                    toRegister.addAll(added);
                    sel.wakeup();
                    say(String.format(Locale.ROOT, "READY %d %.1fs errors=%d dropped=%d", open.size(),
                            (System.nanoTime() - t0) / 1e9, errors.get(), dropped.get()));
                } else {
                    say("FAILED unknown command " + line);
                }
            }
        } finally {
            running = false;
            reader.join(1000);
            sel.close();
            closeAll(open);
        }
    }

    /** Opens connections number {@code from} to {@code to - 1} from several threads (handshakes are sequential). */
    private List<SocketChannel> openMany(int from, int to) throws InterruptedException {
        int openers = Math.max(1, threads);
        CountDownLatch done = new CountDownLatch(openers);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<List<SocketChannel>> parts = new ArrayList<>();
        for (int t = 0; t < openers; t++) {
            List<SocketChannel> part = new ArrayList<>();
            parts.add(part);
            int first = from + t;
            Thread th = new Thread(() -> {
                ByteBuffer lo = ByteBuffer.allocate(4096);
                try {
                    for (int i = first; i < to; i += openers) {
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
        List<SocketChannel> all = new ArrayList<>();
        parts.forEach(all::addAll);
        if (!failures.isEmpty()) {
            error("could not open " + (to - from - all.size()) + " connections: " + failures.get(0));
            say("FAILED opened " + all.size() + " of " + (to - from) + ": " + failures.get(0));
        }
        return all;
    }

    private static void closeAll(List<SocketChannel> open) {
        for (SocketChannel ch : open) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        open.clear();
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
    private final AtomicLong published = new AtomicLong();
    private volatile Thread publisherThread;
    private final Histogram lastMember = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram firstMember = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

    /** A member: checks each broadcast, and that it gets broadcast 0, 1, 2, ... each exactly once. */
    final class MemberConn extends Conn {
        final IoThread owner;
        long next;

        MemberConn(SocketChannel ch, IoThread owner, byte[] expected) {
            super(ch, expected, OP_TEXT);
            this.owner = owner;
        }

        @Override
        void onMessage(long now) {
            long s = parseHex(seq, 0);
            if (s != next) {
                error("member got broadcast " + s + " where " + next + " was due");
                if (s < next || s < 0) {
                    return; // a duplicate or garbage: not counted as a delivery
                }
            }
            next = s + 1;
            int slot = (int) (s & (RING - 1));
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
        boolean settled() {
            return next == published.get();
        }

        @Override
        void writeMore(long now) throws IOException {
            wantWrite(!flushControl());
        }
    }

    private void runFanout() throws Exception {
        if (window * 2 > RING) {
            throw new IllegalArgumentException("--window too large");
        }
        byte[] payload = payload(payloadKind, size);
        if (opcodeOf(payloadKind) != OP_TEXT) {
            throw new IllegalArgumentException("fan-out broadcasts text: --payload ascii or mixed");
        }
        IoThread[] io = startThreads("member");
        ByteBuffer leftover = ByteBuffer.allocate(4096);
        List<MemberConn> members = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            SocketChannel ch = open(i, "/room", leftover);
            IoThread t = io[i % io.length];
            MemberConn m = new MemberConn(ch, t, payload);
            t.add(m);
            members.add(m);
        }
        SocketChannel pub = open(conns, "/pub", leftover);
        pub.configureBlocking(true);
        say("CONNECTED " + conns);
        for (IoThread t : io) {
            t.start();
        }
        Thread.sleep(500); // members' joins are asynchronous on some servers: let them land
        Thread publisher = new Thread(() -> publish(pub, payload), "publisher");
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
        sending = false;
        publisher.join(2000);
        awaitSettled(io);
        running = false;
        long deliveries = 0;
        for (IoThread t : io) {
            t.join(2000);
            deliveries += t.messages;
        }
        long sent = published.get();
        long lost = 0;
        for (MemberConn m : members) {
            lost += m.closed ? 0 : sent - m.next;
        }
        if (broadcasts == 0) {
            error("no broadcast completed in the measured window");
        }
        double secs = elapsed / 1e9;
        Histogram last;
        Histogram first;
        synchronized (lastMember) {
            last = lastMember.copy();
        }
        synchronized (firstMember) {
            first = firstMember.copy();
        }
        say(String.format(Locale.ROOT,
                "RESULT mode=fanout conns=%d size=%d window=%d payload=%s nonAscii=%.2f deliveries=%d"
                        + " deliveriesPerSec=%.0f broadcastsPerSec=%.1f lastP50us=%.0f lastP99us=%.0f firstP50us=%.0f"
                        + " clientCpu=%.3f published=%d errors=%d dropped=%d lost=%d",
                conns, size, window, payloadKind, nonAsciiShare(payload), deliveries, deliveries / secs,
                broadcasts / secs, last.getValueAtPercentile(50) / 1e3, last.getValueAtPercentile(99) / 1e3,
                first.getValueAtPercentile(50) / 1e3, cpu / (double) elapsed, sent, errors.get(), dropped.get(), lost));
    }

    /** The publisher: at most {@code window} broadcasts not yet received by every member. */
    private void publish(SocketChannel pub, byte[] template) {
        byte[] payload = template.clone();
        int opcode = opcodeOf(payloadKind);
        long seq = 0;
        try {
            while (sending) {
                if (seq - completed.get() >= window) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a member's completion unparks us
                    continue;
                }
                putHex(payload, 0, seq);
                int slot = (int) (seq & (RING - 1));
                sentAt.set(slot, System.nanoTime());
                ByteBuffer frame = ByteBuffer.wrap(maskedFrame(opcode, payload, (int) seq * 0x9E3779B1));
                while (frame.hasRemaining()) {
                    pub.write(frame);
                }
                seq++;
                published.set(seq);
            }
        } catch (IOException e) {
            if (running) {
                error("publisher: " + e);
            }
        }
    }
}
