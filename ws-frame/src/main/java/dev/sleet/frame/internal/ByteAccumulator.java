package dev.sleet.frame.internal;

import java.nio.ByteBuffer;

/**
 * A growable heap byte buffer with a hard capacity limit, for reassembling fragmented messages. It grows by
 * doubling, never past the limit, and can give up a large array once a message has been delivered so an idle
 * connection holds little memory.
 */
public final class ByteAccumulator {
    private static final int MIN_CAPACITY = 256;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final int limit;
    private final int retain;
    private byte[] array;
    private ByteBuffer view;
    private int size;

    /**
     * @param limit the most bytes it may ever hold
     * @param retain the largest array kept after {@link #clear()}; bigger ones are dropped
     */
    public ByteAccumulator(int limit, int retain) {
        this.limit = limit;
        this.retain = retain;
    }

    /** How many bytes it holds. */
    public int size() {
        return size;
    }

    /** The size of the current backing array (0 when none). */
    public int capacity() {
        return array == null ? 0 : array.length;
    }

    /** Makes room for {@code extra} more bytes, growing to at most the limit. */
    public void reserve(long extra) {
        long needed = size + extra;
        if (needed > limit) {
            throw new IllegalStateException("accumulator limit " + limit + " exceeded: " + needed);
        }
        if (array != null && needed <= array.length) {
            return;
        }
        int cap = array == null ? Math.min(MIN_CAPACITY, limit) : array.length;
        while (cap < needed) {
            cap = cap > limit / 2 ? limit : cap * 2;
        }
        byte[] grown = new byte[Math.max(cap, (int) needed)];
        if (size > 0) {
            System.arraycopy(array, 0, grown, 0, size);
        }
        array = grown;
        view = null;
    }

    /** Appends {@code src} from its position to its limit; the position is not moved. */
    public void append(ByteBuffer src) {
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        reserve(n);
        src.get(src.position(), array, size, n);
        size += n;
    }

    /** The bytes held, as a buffer valid until the next change (position 0, limit {@link #size()}). */
    public ByteBuffer view() {
        if (array == null) {
            return EMPTY;
        }
        if (view == null) {
            view = ByteBuffer.wrap(array);
        }
        return view.limit(size).position(0);
    }

    /** Empties it, dropping the array if it is larger than the retain size. */
    public void clear() {
        size = 0;
        if (array != null && array.length > retain) {
            array = null;
            view = null;
        }
    }
}
