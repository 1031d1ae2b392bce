package dev.sleet.bench.client;

import dev.sleet.bench.load.LoadClient;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The echo workload: {@code conns} connections each keep {@code depth} messages in flight against an echo server;
 * each reply sends the next message on its connection. Payloads come from the load benchmark
 * ({@link LoadClient#payload}): ASCII text, mixed-script text (Cyrillic, CJK, emoji and ASCII) or binary, the first
 * 16 bytes holding the message's sequence number on its connection in hexadecimal.
 *
 * <p><b>Every reply is checked</b>: its kind (text or binary, i.e. the opcode), its length, every character or byte
 * against what was sent, and that replies on a connection come in the order sent (sequence numbers 0, 1, 2, ...).
 * A wrong reply, a connection closed by the server or an error reported by the driver is counted; after
 * {@link #stopSending()} the messages still in flight are awaited, and those that never come are lost. Any error,
 * drop or loss fails the run.
 *
 * <p>Threads: the runner's thread calls the lifecycle methods; the driver's threads call each connection's
 * {@link ClientDriver.Inbound}. Per connection:
 * <table>
 *   <caption>Who owns what</caption>
 *   <tr><th>field</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code nextSend}, {@code sentAt}, {@code inFlight}, {@code builder}</td><td>runner (first sends),
 *       callback thread (later sends, replies)</td><td>same, runner ({@link #lost()})</td><td>the connection's
 *       monitor</td></tr>
 *   <tr><td>{@code nextReceive}</td><td>callback thread</td><td>callback thread</td><td>the driver runs one
 *       callback of a connection at a time, each after the previous</td></tr>
 *   <tr><td>{@code closing}</td><td>runner</td><td>callback thread</td><td>volatile</td></tr>
 * </table>
 * Workload-wide: {@code sending}, {@code measuring} volatile; counters are {@link LongAdder}s; latencies go to a
 * {@link Recorder} (wait-free, any thread).
 */
public final class EchoWorkload {
    private final ClientDriver driver;
    private final URI uri;
    private final int conns;
    private final int depth;
    private final boolean binary;
    private final byte[] template;
    /** Text: the expected reply after the sequence number. */
    private final String textTail;
    /** Binary: the expected reply after the sequence number. */
    private final ByteBuffer binaryTail;
    final Problems problems = new Problems();
    private final List<Conn> all = new ArrayList<>();
    private final LongAdder replies = new LongAdder();
    private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    private volatile boolean sending = true;
    private volatile boolean measuring;

    public EchoWorkload(ClientDriver driver, URI uri, int conns, int depth, String payloadKind, int size) {
        this.driver = driver;
        this.uri = uri;
        this.conns = conns;
        this.depth = depth;
        this.binary = LoadClient.opcodeOf(payloadKind) == LoadClient.OP_BINARY;
        this.template = LoadClient.payload(payloadKind, size);
        this.textTail = binary ? null : new String(template, LoadClient.SEQ, size - LoadClient.SEQ,
                StandardCharsets.UTF_8);
        this.binaryTail = ByteBuffer.wrap(template, LoadClient.SEQ, size - LoadClient.SEQ).slice();
    }

    /** Share of the payload's bytes in multi-byte UTF-8 characters. */
    public double nonAsciiShare() {
        return LoadClient.nonAsciiShare(template);
    }

    /** Opens every connection, at most 16 handshakes at a time; fails on the first that does not open. */
    public void open() throws IOException, InterruptedException {
        Semaphore window = new Semaphore(16);
        List<CompletableFuture<ClientDriver.Session>> pending = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            window.acquire();
            Conn c = new Conn(i);
            all.add(c);
            CompletableFuture<ClientDriver.Session> f = driver.connect(uri, c);
            f.whenComplete((s, e) -> window.release());
            pending.add(f);
        }
        for (int i = 0; i < conns; i++) {
            try {
                all.get(i).session = pending.get(i).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                problems.error("connection " + i + " did not open", e);
                throw new IOException("connection " + i + " of " + conns + " to " + uri + " did not open: " + e, e);
            }
        }
    }

    /** Each connection sends its first {@code depth} messages; replies keep it going. */
    public void start() {
        for (Conn c : all) {
            synchronized (c) {
                for (int i = 0; i < depth; i++) {
                    c.sendNext();
                }
            }
            c.session.flush();
        }
    }

    public void measureStart() {
        latency.reset();
        measuring = true;
    }

    public void measureEnd() {
        measuring = false;
    }

    /** Replies received so far, on all connections. */
    public long replies() {
        return replies.sum();
    }

    /** Latencies (send to reply) recorded while measuring, since the last call. */
    public Histogram latencies() {
        return latency.getIntervalHistogram();
    }

    /** Stops sending new messages; replies to those in flight are still checked. */
    public void stopSending() {
        sending = false;
    }

    /** Waits up to {@code timeoutMs} until no message is in flight on any connection; true when none is. */
    public boolean awaitSettled(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (lost() == 0) {
                return true;
            }
            Thread.sleep(10);
        }
        return lost() == 0;
    }

    /** Messages sent on connections still open that have no reply yet. */
    public long lost() {
        long n = 0;
        for (Conn c : all) {
            synchronized (c) {
                n += c.closedByPeer ? 0 : c.inFlight;
            }
        }
        return n;
    }

    /** Closes every connection (1000) and waits up to 10 s for them; a close that fails is an error. */
    public void closeAll() {
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (Conn c : all) {
            c.closing = true;
            if (c.session != null) {
                closes.add(c.session.close());
            }
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            problems.error("closing the connections", e);
        }
    }

    /** One connection: its sending state and the checks of its replies. */
    private final class Conn implements ClientDriver.Inbound {
        final int index;
        volatile ClientDriver.Session session;
        volatile boolean closing;
        boolean closedByPeer;
        long nextSend;
        long nextReceive;
        int inFlight;
        final long[] sentAt = new long[depth];
        final StringBuilder builder = new StringBuilder();

        Conn(int index) {
            this.index = index;
        }

        /** Sends message {@code nextSend}; the caller holds the monitor. */
        void sendNext() {
            long seq = nextSend++;
            sentAt[(int) (seq % depth)] = System.nanoTime();
            inFlight++;
            if (binary) {
                byte[] m = template.clone();
                LoadClient.putHex(m, 0, seq);
                session.sendBinary(m);
            } else {
                StringBuilder b = builder;
                b.setLength(0);
                for (int shift = 60; shift >= 0; shift -= 4) {
                    int d = (int) (seq >>> shift) & 0xF;
                    b.append((char) (d < 10 ? '0' + d : 'a' + d - 10));
                }
                session.sendText(b.append(textTail).toString());
            }
        }

        @Override
        public void onText(String text) {
            if (binary) {
                problems.error("conn " + index + ": a text reply where binary was sent");
                return;
            }
            long seq = -1;
            if (text.length() != LoadClient.SEQ + textTail.length()) {
                problems.error("conn " + index + ": text reply of " + text.length() + " chars, expected "
                        + (LoadClient.SEQ + textTail.length()));
            } else if ((seq = hex(text)) < 0 || !text.startsWith(textTail, LoadClient.SEQ)) {
                problems.error("conn " + index + ": text reply differs from the message sent");
                seq = -1;
            }
            replied(seq);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            if (!binary) {
                problems.error("conn " + index + ": a binary reply where text was sent");
                return;
            }
            long seq = -1;
            int n = data.remaining();
            if (n != template.length) {
                problems.error("conn " + index + ": binary reply of " + n + " bytes, expected " + template.length);
            } else {
                byte[] digits = new byte[LoadClient.SEQ];
                data.get(data.position(), digits);
                seq = LoadClient.parseHex(digits, 0);
                if (seq < 0 || data.slice(data.position() + LoadClient.SEQ, n - LoadClient.SEQ)
                        .mismatch(binaryTail) != -1) {
                    problems.error("conn " + index + ": binary reply differs from the message sent");
                    seq = -1;
                }
            }
            replied(seq);
        }

        /** A reply with sequence number {@code seq} (-1: unreadable, already counted as an error). */
        private void replied(long seq) {
            if (seq >= 0 && seq != nextReceive) {
                problems.error("conn " + index + ": reply " + seq + " where " + nextReceive + " was due");
            }
            nextReceive++;
            long now = System.nanoTime();
            synchronized (this) {
                if (inFlight == 0) {
                    problems.error("conn " + index + ": a reply to no message");
                    return;
                }
                inFlight--;
                replies.increment();
                if (measuring) {
                    latency.recordValue(Math.max(0, now - sentAt[(int) ((nextReceive - 1) % depth)]));
                }
                if (sending) {
                    sendNext();
                }
            }
        }

        @Override
        public void onClosed(int code, String reason) {
            if (!closing) {
                synchronized (this) {
                    closedByPeer = true;
                }
                problems.dropped.incrementAndGet();
                problems.error("conn " + index + " closed by the server: " + code + " " + reason);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!closing) {
                problems.error("conn " + index, error);
            }
        }
    }

    /** The sequence number in a text reply's first 16 characters, or -1. */
    private static long hex(String s) {
        long v = 0;
        for (int i = 0; i < LoadClient.SEQ; i++) {
            char c = s.charAt(i);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
