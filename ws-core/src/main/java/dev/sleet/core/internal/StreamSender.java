package dev.sleet.core.internal;

import dev.sleet.frame.Frames;
import dev.sleet.frame.Opcode;
import dev.sleet.core.MessageStream;
import dev.sleet.core.SendResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One outgoing fragmented message (RFC 6455 §5.4): the first piece goes out as a TEXT or BINARY frame without FIN,
 * the rest as CONTINUATION frames, the last with FIN. The connection's {@link Outbound} holds other data sends back
 * while the message is open (see {@link Outbound#openStream}).
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code first}, {@code done}, {@code closed}, {@code highSurrogate}</td><td>any caller</td>
 *       <td>any caller</td><td>this object's monitor</td></tr>
 * </table>
 */
final class StreamSender implements MessageStream {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ConnectionFacade connection;
    private final boolean text;
    private boolean first = true;
    /** The last piece was queued (or {@link #close()} ended the message). */
    private boolean done;
    /** The connection was closed when the stream opened, or a piece found it closed. */
    private boolean closed;
    /** A high surrogate that ended the previous text piece, kept for the next; 0 when none. */
    private char highSurrogate;

    StreamSender(ConnectionFacade connection, boolean text, boolean opened) {
        this.connection = connection;
        this.text = text;
        this.closed = !opened;
    }

    @Override
    public synchronized SendResult send(CharSequence chunk, boolean last) {
        if (!text) {
            throw new IllegalStateException("a binary stream sends ByteBuffers, not text");
        }
        checkOpen();
        if (closed) {
            return SendResult.CLOSED;
        }
        StringBuilder sb = new StringBuilder(chunk.length() + 1);
        if (highSurrogate != 0) {
            sb.append(highSurrogate);
        }
        sb.append(chunk);
        char keep = 0;
        if (!last && !sb.isEmpty() && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
            keep = sb.charAt(sb.length() - 1);
            sb.setLength(sb.length() - 1);
        }
        SendResult r = piece(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), last,
                connection.maxQueuedBytes());
        if (r == SendResult.ENQUEUED) {
            highSurrogate = keep;
        }
        return r;
    }

    @Override
    public synchronized SendResult send(ByteBuffer data, boolean last) {
        if (text) {
            throw new IllegalStateException("a text stream sends CharSequences, not bytes");
        }
        checkOpen();
        if (closed) {
            return SendResult.CLOSED;
        }
        return piece(data.duplicate(), last, connection.maxQueuedBytes());
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("this message has ended: open a new stream for the next one");
        }
    }

    /** Queues one piece; an empty piece that does not end the message is not worth a frame. */
    private SendResult piece(ByteBuffer payload, boolean last, long cap) {
        if (!last && !payload.hasRemaining()) {
            return SendResult.ENQUEUED;
        }
        Opcode opcode = !first ? Opcode.CONTINUATION : text ? Opcode.TEXT : Opcode.BINARY;
        SendResult r = connection.enqueueFragment(Frames.frame(last, 0, opcode, payload), last, cap);
        switch (r) {
            case ENQUEUED -> {
                first = false;
                done = last;
            }
            case CLOSED -> closed = true;
            case DROPPED -> {
                // not sent: the caller may send this piece again
            }
        }
        return r;
    }

    @Override
    public synchronized boolean isDone() {
        return done || closed;
    }

    /** Ends the message with an empty last piece, outside the cap (it must go out for held sends to follow). */
    @Override
    public synchronized void close() {
        if (done || closed) {
            return;
        }
        highSurrogate = 0; // half a character cannot be sent alone
        piece(EMPTY.duplicate(), true, Long.MAX_VALUE);
        done = true;
    }

    @Override
    public String toString() {
        return "MessageStream[" + (text ? "text" : "binary") + (isDone() ? ", done" : "") + "]";
    }
}
