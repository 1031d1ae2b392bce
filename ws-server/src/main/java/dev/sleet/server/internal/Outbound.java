package dev.sleet.server.internal;

import dev.sleet.server.OverflowPolicy;
import java.nio.ByteBuffer;

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
 * <p>A plain monitor guards the ring: senders are usually one actor (uncontended) and the loop holds it only to
 * copy at most one staging buffer's worth of bytes.
 */
final class Outbound {
    /** Result of {@link #offer}. */
    enum Offer { ENQUEUED, DROPPED, CLOSED, OVERFLOW_CLOSE }

    private static final int INITIAL_CAPACITY = 8;

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

    /**
     * Queues a data frame, subject to {@code cap} and {@code policy}. Under {@link OverflowPolicy#CLOSE}, an offer
     * that would overflow discards everything not yet started, queues {@code closeFrame} (1008) instead and
     * seals the queue; the caller then finishes closing.
     */
    synchronized Offer offer(ByteBuffer frame, long cap, OverflowPolicy policy, ByteBuffer overflowCloseFrame) {
        if (sealed) {
            return Offer.CLOSED;
        }
        int len = frame.remaining();
        if (queuedBytes + len > cap && count > 0) {
            if (policy == OverflowPolicy.DROP) {
                return Offer.DROPPED;
            }
            discardUnstarted();
            push(overflowCloseFrame);
            sealed = true;
            return Offer.OVERFLOW_CLOSE;
        }
        push(frame);
        return Offer.ENQUEUED;
    }

    /** Queues a control frame or protocol bytes outside the cap. Returns false when sealed. */
    synchronized boolean offerControl(ByteBuffer frame) {
        if (sealed) {
            return false;
        }
        push(frame);
        return true;
    }

    /**
     * Queues protocol bytes that must reach the peer even if what follows is discarded (the 101 response: a close
     * frame sent without it would be read as garbage). Pinned only when it leads the queue, as the response
     * does. Returns false when sealed.
     */
    synchronized boolean offerPinned(ByteBuffer bytes) {
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
        }
        return copied;
    }

    /** Writer only: {@code written} bytes from the head on reached the socket; drops finished frames. */
    synchronized void consume(long written) {
        queuedBytes -= written;
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
            } else {
                headOffset += (int) left;
                left = 0;
            }
        }
        if (count == 0 && ring != null) {
            ring = null; // drained: an idle connection holds no array (the next burst makes an 8-slot one)
            head = 0;
        }
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
        return dropped;
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
        queuedBytes += frame.remaining();
    }

    /**
     * Drops every frame but a partly written head (its remaining bytes must still go out to keep framing intact)
     * and pinned ones.
     */
    private void discardUnstarted() {
        int keep = Math.max(headOffset > 0 ? 1 : 0, pinned);
        long kept = -headOffset;
        for (int i = 0; i < keep; i++) {
            kept += ring[(head + i) & (ring.length - 1)].remaining();
        }
        for (int i = keep; i < count; i++) {
            ring[(head + i) & (ring.length - 1)] = null;
        }
        count = keep;
        queuedBytes = kept;
    }
}
