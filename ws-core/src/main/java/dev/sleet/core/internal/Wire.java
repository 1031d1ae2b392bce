package dev.sleet.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What sits between a connection and its socket: the socket itself for plain TCP, or a TLS engine. All methods
 * run on the connection's event loop.
 */
public interface Wire {

    /** Reads application bytes into {@code dst}; returns the count, 0 when nothing is ready, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes application bytes from {@code src}; returns how many of them were taken (possibly 0). */
    int write(ByteBuffer src) throws IOException;

    /** True when bytes taken by {@link #write} (or handshake records) still wait for the socket. */
    boolean hasPendingOutput();

    /** Writes what is pending; true when nothing remains. */
    boolean flushPending() throws IOException;

    /**
     * True when {@link #write} may be called from a thread other than the loop, while the loop does not write (the
     * flusher's state decides who writes): a plain socket (one non-blocking syscall), or a TLS wire once its handshake
     * is done (whose {@link #flushPending} on such a thread writes nothing and only says whether bytes wait for the
     * loop).
     */
    default boolean writableFromAnyThread() {
        return false;
    }

    /**
     * The most queued bytes the actor writes itself at the end of its turn (when {@link #writableFromAnyThread()}
     * holds); with more queued, the loop writes. No limit by default.
     */
    default long maxActorWriteBytes() {
        return Long.MAX_VALUE;
    }

    /** True when input is buffered inside the wire that a further {@link #read} can deliver without the socket. */
    default boolean hasBufferedInput() {
        return false;
    }

    /** Ends the session politely where the protocol has a way (TLS close_notify), then closes the socket. */
    void close();

    /** Closes the socket at once. */
    void abort();
}
