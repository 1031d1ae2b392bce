package dev.sleet.core.internal;

import dev.sleet.core.OverflowPolicy;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One connection's outbound queue: encoded frames waiting for the socket, with a byte cap and a slow-consumer
 * policy. Any thread may {@link #offer}; only the thread that holds the connection's write flag (its event loop,
 * or its actor at the end of a turn) stages and consumes.
 *
 * <p>Frames are never copied or mutated here: a broadcast frame shared by thousands of connections sits in each
 * of their queues as the same read-only buffer, read with absolute gets. Only the head can be partly written, so
 * one {@code headOffset} per queue tracks progress. The ring is allocated on the first send and shrinks back to
 * nothing when drained, so an idle connection holds no array.
 *
 * <p>The cap counts memory, not only wire bytes: each queued frame is charged {@link #FRAME_OVERHEAD} bytes on top
 * of its length (its buffer object, its array header, its ring slot), so a cap of N bytes bounds what a peer that
 * never reads can make the server hold near N even when it provokes tiny frames. Control frames count too: user
 * pings are capped like data, and the answers to the peer's pings share a budget of {@link #PONG_BUDGET} bytes
 * (charge included). Within it every ping gets its pong, in order; past it the newest pong that has not started
 * out takes the latest ping's payload in place (RFC 6455 §5.5.3 allows answering only the most recent ping), so a
 * client that pings and never reads holds at most the budget and one pong here.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>ring, head, count, pinned, sealed, pong budget</td><td>senders (any thread), the writer</td>
 *       <td>the same</td><td>this object's monitor</td></tr>
 *   <tr><td>headOffset</td><td>the writer ({@code stage}/{@code consume})</td><td>the writer, discards</td>
 *       <td>monitor</td></tr>
 *   <tr><td>queuedBytes</td><td>under the monitor</td><td>anyone</td><td>volatile</td></tr>
 *   <tr><td>{@code written} (completions whose frame is out)</td><td>the writer in {@code consume}</td>
 *       <td>the same writer, right after ({@link #takeWritten})</td><td>confined to the writer</td></tr>
 *   <tr><td>{@code unwritable} (and its plain copy {@code unwritableSeen}, read under the monitor)</td>
 *       <td>under the monitor</td><td>anyone ({@link #isWritable})</td><td>volatile</td></tr>
 *   <tr><td>{@code marks} (the server's configuration)</td><td>the connection, once, before the first send</td>
 *       <td>under the monitor</td><td>set before the connection is published</td></tr>
 *   <tr><td>{@code flow}: completions by sequence number, held sends, the stream flag</td><td>senders, the
 *       writer</td><td>the same</td><td>monitor; made on first use</td></tr>
 * </table>
 *
 * <p>Flow control for producers (all of it costs the plain {@link #offer} a field test or two, no allocation):
 * <ul>
 *   <li>A send that asked for a completion records its frame's sequence number with its future ({@code pending});
 *       {@link #consume} moves the futures whose frame is fully written to {@code written}, the writer hands them
 *       on; a discard or {@link #clear} moves what will never be written to {@code abandoned}.</li>
 *   <li>Writability: the queue turns unwritable when its bytes reach the high-water mark and writable again
 *       when {@link #consume} takes them below the low-water mark; {@link #consume} reports that edge once.</li>
 *   <li>A fragmented message (RFC 6455 §5.4) is open between {@link #openStream} and its last fragment: data
 *       frames offered meanwhile are held back (counted like queued bytes) and queued behind the last fragment,
 *       so nothing interleaves inside the message; control frames are never held.</li>
 * </ul>
 * Only one thread at a time is "the writer": the {@link Flusher} decides which.
 */
public final class Outbound {
    /** Result of {@link #offer}. */
    enum Offer { ENQUEUED, DROPPED, CLOSED, OVERFLOW_CLOSE }

    /** What {@link #offer} queues: a whole data message (held while a stream is open), a user ping, a fragment. */
    static final int DATA = 0;
    static final int CONTROL = 1;
    static final int FRAGMENT = 2;
    static final int LAST_FRAGMENT = 3;

    /** {@link #consume}'s report: bytes fell below the low-water mark after having reached the high-water mark. */
    static final int BECAME_WRITABLE = 1;
    /** {@link #consume}'s report: frames that carried a completion were written; {@link #takeWritten} has them. */
    static final int COMPLETIONS_WRITTEN = 2;

    /** A completion waiting for the frame with sequence number {@code seq} to be written. */
    private record Pending(long seq, CompletableFuture<Void> future) {
    }

    /** A data frame held back while a fragmented message is open, with its completion if it has one. */
    private record Held(ByteBuffer frame, CompletableFuture<Void> future) {
    }

    private static final int INITIAL_CAPACITY = 8;
    /**
     * Bytes charged per queued frame beyond its length: a heap {@code ByteBuffer} (48), its array's header (16) and
     * a ring slot, rounded up. A 2-byte message thus costs 68 bytes of the cap, which is near what it costs the heap.
     */
    static final int FRAME_OVERHEAD = 64;
    /**
     * Bytes (charge included) of pongs queued before newer pings replace the newest queued pong instead of adding
     * one: about 21 pongs of the largest size, many more of the usual small ones.
     */
    static final int PONG_BUDGET = 4096;
    /** The first byte of every pong this queue holds (FIN + opcode 0xA); pongs come only from {@link #offerPong}. */
    private static final byte PONG_HEAD = (byte) 0x8A;

    private ByteBuffer[] ring;
    private int head;
    private int count;
    private int headOffset;
    /** Frames at the head that a discard must keep: the handshake response, which every later frame relies on. */
    private int pinned;
    /** Written under the lock, read by anyone. */
    private volatile long queuedBytes;
    /** Set once a close frame (or a final HTTP response) is queued: nothing follows it. */
    private boolean sealed;
    /** Set by {@link #clear()}: the socket is gone and a late {@link #consume} must not count below zero. */
    private boolean cleared;
    /** Frames ever taken off the head, so a queued frame's sequence number finds its slot. */
    private long popped;
    /** The sequence number of the newest queued pong, or -1. */
    private long pongSeq = -1;
    /** Bytes (charge included) of the pongs queued. */
    private long pongBytes;
    /** Sequence number past the last frame the writer has copied out and not yet consumed (in flight). */
    private long stagedEnd;
    /** {@link #queuedBytes} when an offer overflowed the cap under {@code CLOSE}, before the queue was discarded. */
    private long queuedAtOverflow;

    // Flow control (see the class comment). Null collections until first needed.
    /** Where the water marks come from (the server's shared configuration); null: no marks (a bare queue in tests). */
    private ConnectionConfig marks;
    private volatile boolean unwritable;
    /** The same as {@code unwritable}, for reads under the monitor without a volatile load (the writer's path). */
    private boolean unwritableSeen;
    /** Completions and the open stream: made for the connections that use them (one reference for the others). */
    private Flow flow;

    /** The state of {@code sendAsync} and of streamed messages; touched under the queue's monitor. */
    private static final class Flow {
        /** Completions by sequence number, in order; null when none. */
        ArrayDeque<Pending> pending;
        /** Completions whose frame is written, for the writer to take (writer-confined). */
        List<CompletableFuture<Void>> written;
        /** Completions whose frame will never be written. */
        List<CompletableFuture<Void>> abandoned;
        boolean streamOpen;
        /** Data frames held behind the open stream. */
        ArrayDeque<Held> held;
    }

    /**
     * Takes the writability marks from {@code config} (the connection, before any send): unwritable at its
     * {@code writeHighWater}, writable again below its {@code writeLowWater}.
     */
    void waterMarks(ConnectionConfig config) {
        this.marks = config;
    }

    private Flow flow() {
        Flow f = flow;
        if (f == null) {
            f = new Flow();
            flow = f;
        }
        return f;
    }

    /**
     * Queues a data frame, subject to {@code cap} and {@code policy}. Under {@link OverflowPolicy#CLOSE}, an offer
     * that would overflow discards everything not yet started, queues {@code closeFrame} (1008) instead and
     * seals the queue; the caller then finishes closing.
     */
    Offer offer(ByteBuffer frame, long cap, OverflowPolicy policy, ByteBuffer overflowCloseFrame) {
        return offer(frame, cap, policy, overflowCloseFrame, DATA, null);
    }

    /**
     * Queues a frame of {@code kind} ({@link #DATA}, {@link #CONTROL}: a user ping, {@link #FRAGMENT} or
     * {@link #LAST_FRAGMENT} of the open stream) under the cap, as {@link #offer(ByteBuffer, long, OverflowPolicy,
     * ByteBuffer)}. {@code done}, if not null, is handed back through {@link #takeWritten} once the frame's last
     * byte is written, or through {@link #takeAbandoned} if it never will be; it is not touched when the offer is
     * refused. A DATA frame offered while a stream is open is held back until the stream's last fragment.
     */
    synchronized Offer offer(ByteBuffer frame, long cap, OverflowPolicy policy, ByteBuffer overflowCloseFrame,
            int kind, CompletableFuture<Void> done) {
        if (sealed) {
            return Offer.CLOSED;
        }
        long len = frame.remaining() + (long) FRAME_OVERHEAD;
        if (queuedBytes + len > cap && (count > 0 || flow != null && flow.held != null && !flow.held.isEmpty())) {
            if (policy == OverflowPolicy.DROP) {
                return Offer.DROPPED;
            }
            queuedAtOverflow = queuedBytes;
            discardUnstarted();
            push(overflowCloseFrame);
            sealed = true;
            return Offer.OVERFLOW_CLOSE;
        }
        if (kind == DATA && flow != null && flow.streamOpen) {
            if (flow.held == null) {
                flow.held = new ArrayDeque<>();
            }
            flow.held.addLast(new Held(frame, done));
            queuedBytes += len;
            checkHighWater();
            return Offer.ENQUEUED;
        }
        push(frame);
        if (done != null) {
            addPending(done);
        }
        if (kind == LAST_FRAGMENT) {
            flow().streamOpen = false;
            releaseHeld();
        }
        return Offer.ENQUEUED;
    }

    /**
     * Opens a fragmented message: until its last fragment, data frames are held back. Returns false when sealed.
     *
     * @throws IllegalStateException when a fragmented message is already open
     */
    synchronized boolean openStream() {
        if (sealed) {
            return false;
        }
        if (flow().streamOpen) {
            throw new IllegalStateException("a fragmented message is already being sent on this connection: "
                    + "finish it (last = true, or close its stream) first");
        }
        flow.streamOpen = true;
        return true;
    }

    synchronized boolean isStreamOpen() {
        return flow != null && flow.streamOpen;
    }

    /** False between reaching the high-water mark and falling below the low-water mark. Any thread. */
    boolean isWritable() {
        return !unwritable;
    }

    /** The completion of the frame just pushed (the newest). */
    private void addPending(CompletableFuture<Void> done) {
        Flow f = flow();
        if (f.pending == null) {
            f.pending = new ArrayDeque<>();
        }
        f.pending.addLast(new Pending(popped + count - 1, done));
    }

    /** The stream ended: what was held goes into the ring, in order (its bytes are already counted). */
    private void releaseHeld() {
        ArrayDeque<Held> held = flow.held;
        if (held == null) {
            return;
        }
        flow.held = null;
        for (Held h; (h = held.pollFirst()) != null; ) {
            queuedBytes -= h.frame().remaining() + (long) FRAME_OVERHEAD;
            push(h.frame());
            if (h.future() != null) {
                addPending(h.future());
            }
        }
    }

    private void checkHighWater() {
        if (!unwritableSeen && marks != null && queuedBytes >= marks.writeHighWater()) {
            unwritableSeen = true;
            unwritable = true;
        }
    }

    /** Writer only: the completions whose frames {@link #consume} found written (then forgets them), or null. */
    List<CompletableFuture<Void>> takeWritten() {
        Flow f = flow;
        if (f == null) {
            return null;
        }
        List<CompletableFuture<Void>> w = f.written;
        f.written = null;
        return w;
    }

    /** The completions of frames that will never be written (discarded, or the queue cleared), or null. */
    synchronized List<CompletableFuture<Void>> takeAbandoned() {
        Flow f = flow;
        if (f == null) {
            return null;
        }
        List<CompletableFuture<Void>> a = f.abandoned;
        f.abandoned = null;
        return a;
    }

    private void abandon(CompletableFuture<Void> f) {
        Flow flow = flow();
        if (flow.abandoned == null) {
            flow.abandoned = new ArrayList<>();
        }
        flow.abandoned.add(f);
    }

    /**
     * Queues a control frame of the server's own outside the cap: a heartbeat ping, of which there is one per
     * interval at most. Returns false when sealed.
     */
    synchronized boolean offerControl(ByteBuffer frame) {
        if (sealed) {
            return false;
        }
        push(frame);
        return true;
    }

    /**
     * Queues the pong that answers the peer's latest ping. Past {@link #PONG_BUDGET}, the newest queued pong that has
     * not started out takes the new payload instead, so pings from a peer that never reads cost a bounded amount
     * of memory. Returns false when sealed.
     */
    synchronized boolean offerPong(ByteBuffer pong) {
        if (sealed) {
            return false;
        }
        long charge = pong.remaining() + (long) FRAME_OVERHEAD;
        if (pongSeq >= 0 && pongBytes + charge > PONG_BUDGET) {
            long index = pongSeq - popped;
            if (pongSeq >= stagedEnd && (index > 0 || headOffset == 0)) { // not started, not in flight
                int slot = (int) ((head + index) & (ring.length - 1));
                long delta = pong.remaining() - ring[slot].remaining();
                queuedBytes += delta;
                pongBytes += delta;
                ring[slot] = pong;
                return true;
            }
        }
        pongSeq = popped + count;
        pongBytes += charge;
        push(pong);
        return true;
    }

    /** Bytes (charge included) of pongs waiting in the queue (for tests). */
    synchronized long pongBytes() {
        return pongBytes;
    }

    /**
     * Queues protocol bytes that must reach the peer even if what follows is discarded (the 101 response: a close
     * frame sent without it would be read as garbage). Pinned only when it leads the queue, as the response
     * does. Returns false when sealed.
     */
    public synchronized boolean offerPinned(ByteBuffer bytes) {
        if (sealed) {
            return false;
        }
        if (count == 0) {
            pinned = 1;
        }
        push(bytes);
        return true;
    }

    /**
     * Queues {@code last} (a close frame or a final HTTP response) and seals the queue. With {@code discard},
     * frames not yet started are dropped first (used when the peer is failed or abandoned). Returns false when
     * already sealed.
     */
    synchronized boolean seal(ByteBuffer last, boolean discard) {
        if (sealed) {
            return false;
        }
        if (discard) {
            discardUnstarted();
        }
        push(last);
        sealed = true;
        return true;
    }

    synchronized boolean isSealed() {
        return sealed;
    }

    /** What the queue held when an offer overflowed it (0 if none did); set once, the queue is sealed then. */
    synchronized long queuedAtOverflow() {
        return queuedAtOverflow;
    }

    long queuedBytes() {
        return queuedBytes;
    }

    synchronized boolean isEmpty() {
        return count == 0;
    }

    /**
     * Writer only: copies queued bytes, from the head's unwritten part on, into {@code dst} until it is full or the
     * queue ends. Returns the number of bytes copied. Frames stay queued until {@link #consume}.
     */
    synchronized int stage(ByteBuffer dst) {
        int copied = 0;
        int offset = headOffset;
        for (int i = 0; i < count && dst.hasRemaining(); i++) {
            ByteBuffer frame = ring[(head + i) & (ring.length - 1)];
            int start = frame.position() + offset;
            int n = Math.min(frame.limit() - start, dst.remaining());
            dst.put(dst.position(), frame, start, n);
            dst.position(dst.position() + n);
            copied += n;
            offset = 0;
            stagedEnd = popped + i + 1;
        }
        return copied;
    }

    /**
     * Writer only: {@code written} bytes from the head on reached the socket; drops finished frames. Returns
     * {@link #BECAME_WRITABLE} and/or {@link #COMPLETIONS_WRITTEN} when those happened, else 0.
     */
    synchronized int consume(long written) {
        if (cleared) {
            return 0; // the socket was dropped while this writer wrote: nothing is queued any more
        }
        long left = written;
        while (left > 0 && count > 0) {
            ByteBuffer frame = ring[head];
            int rest = frame.remaining() - headOffset;
            if (left >= rest) {
                left -= rest;
                if (pinned > 0) {
                    pinned--;
                }
                ring[head] = null;
                head = (head + 1) & (ring.length - 1);
                count--;
                headOffset = 0;
                queuedBytes -= FRAME_OVERHEAD;
                if (pongBytes > 0 && frame.get(frame.position()) == PONG_HEAD) { // no read while no pong waits
                    pongBytes -= frame.remaining() + (long) FRAME_OVERHEAD;
                }
                if (popped++ == pongSeq) {
                    pongSeq = -1;
                }
            } else {
                headOffset += (int) left;
                left = 0;
            }
        }
        queuedBytes -= written - left;
        stagedEnd = popped; // what was staged and not written is staged again next time
        if (count == 0 && ring != null) {
            ring = null; // drained: an idle connection holds no array (the next burst makes an 8-slot one)
            head = 0;
        }
        int report = 0;
        if (flow != null && flow.pending != null) {
            report = collectWritten(flow);
        }
        if (unwritableSeen && queuedBytes < marks.writeLowWater()) {
            unwritableSeen = false;
            unwritable = false;
            report |= BECAME_WRITABLE;
        }
        return report;
    }

    /** Moves the completions of frames taken off the head to {@code written}. */
    private int collectWritten(Flow f) {
        int report = 0;
        for (Pending p; (p = f.pending.peekFirst()) != null && p.seq() < popped; ) {
            f.pending.pollFirst();
            if (f.written == null) {
                f.written = new ArrayList<>();
            }
            f.written.add(p.future());
            report = COMPLETIONS_WRITTEN;
        }
        if (f.pending.isEmpty()) {
            f.pending = null;
        }
        return report;
    }

    /** Drops everything (the socket is gone). Returns the bytes that were still queued. */
    synchronized long clear() {
        long dropped = queuedBytes;
        ring = null;
        head = 0;
        count = 0;
        headOffset = 0;
        pinned = 0;
        queuedBytes = 0;
        sealed = true;
        cleared = true;
        pongSeq = -1;
        pongBytes = 0;
        if (flow != null) {
            if (flow.pending != null) {
                for (Pending p : flow.pending) {
                    abandon(p.future());
                }
                flow.pending = null;
            }
            dropHeld();
            flow.streamOpen = false;
        }
        return dropped;
    }

    /** Abandons the sends held behind an open stream. */
    private void dropHeld() {
        ArrayDeque<Held> held = flow == null ? null : flow.held;
        if (held != null) {
            flow.held = null;
            for (Held h : held) {
                if (h.future() != null) {
                    abandon(h.future());
                }
            }
        }
    }

    private void push(ByteBuffer frame) {
        if (ring == null) {
            ring = new ByteBuffer[INITIAL_CAPACITY];
            head = 0;
        } else if (count == ring.length) {
            ByteBuffer[] bigger = new ByteBuffer[ring.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = ring[(head + i) & (ring.length - 1)];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + count) & (ring.length - 1)] = frame;
        count++;
        long queued = queuedBytes + frame.remaining() + FRAME_OVERHEAD;
        queuedBytes = queued;
        if (marks != null && queued >= marks.writeHighWater()) {
            checkHighWater();
        }
    }

    /**
     * Drops every frame but a partly written head (its remaining bytes must still go out to keep framing intact)
     * and pinned ones.
     */
    private void discardUnstarted() {
        if (flow != null && flow.held != null) {
            for (Held h : flow.held) {
                queuedBytes -= h.frame().remaining() + (long) FRAME_OVERHEAD;
            }
            dropHeld();
        }
        if (count == 0) {
            return;
        }
        // Keep a partly written head, pinned frames, and whatever the writer has copied out right now (it may be
        // on the wire already: dropping it would cut a frame in two).
        int keep = (int) Math.min(count, Math.max(Math.max(headOffset > 0 ? 1 : 0, pinned), stagedEnd - popped));
        long kept = -headOffset;
        pongBytes = 0;
        for (int i = 0; i < keep; i++) {
            ByteBuffer frame = ring[(head + i) & (ring.length - 1)];
            kept += frame.remaining() + (long) FRAME_OVERHEAD;
            if (frame.get(frame.position()) == PONG_HEAD) {
                pongBytes += frame.remaining() + (long) FRAME_OVERHEAD;
            }
        }
        if (pongSeq >= popped + keep) {
            pongSeq = -1;
        }
        for (int i = keep; i < count; i++) {
            ring[(head + i) & (ring.length - 1)] = null;
        }
        ArrayDeque<Pending> pending = flow == null ? null : flow.pending;
        if (pending != null) { // their frames are gone, and their sequence numbers will be used again
            for (Pending p; (p = pending.peekLast()) != null && p.seq() >= popped + keep; ) {
                abandon(pending.pollLast().future());
            }
        }
        count = keep;
        queuedBytes = kept;
    }
}
