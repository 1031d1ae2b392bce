package dev.sleet.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A piece of an incoming data message, as a handler that {@linkplain ConnectionHandler#receivesFragments() receives
 * fragments} gets it (RFC 6455 §5.4): pieces arrive in order, each as the bytes reached the server (not
 * necessarily one per frame), and the piece with {@link #isLast()} set ends the message (it may be empty). The
 * whole message is never buffered by the server.
 *
 * <p>Text is validated as UTF-8 across pieces as it arrives (bad bytes close the connection with 1007 and the
 * message gets no last piece), and a text piece never ends inside a character: {@link #text()} decodes each piece
 * on its own. The message size cap ({@code maxMessageSize}) applies to the whole message as in whole-message mode
 * (1009). The handler owns the bytes: {@link #data()} is a read-only view of an array no one else holds.
 */
public final class Fragment {
    private final boolean text;
    private final ByteBuffer data;
    private final boolean first;
    private final boolean last;

    /**
     * @param text  true for a piece of a text message (opcode 0x1), false for binary (0x2)
     * @param data  the piece's bytes (UTF-8 for text, ending on a character boundary); kept, not copied
     * @param first true for the first piece of its message
     * @param last  true for the last piece of its message
     */
    public Fragment(boolean text, ByteBuffer data, boolean first, boolean last) {
        this.text = text;
        this.data = data.isReadOnly() ? data : data.asReadOnlyBuffer();
        this.first = first;
        this.last = last;
    }

    /** True for a piece of a text message. */
    public boolean isText() {
        return text;
    }

    /** True for the first piece of a message. */
    public boolean isFirst() {
        return first;
    }

    /** True for the piece that ends the message. */
    public boolean isLast() {
        return last;
    }

    /** The piece's bytes (UTF-8 for text), a read-only view; reading it does not change {@link #size()}. */
    public ByteBuffer data() {
        return data.duplicate();
    }

    /** The piece's size in bytes. */
    public int size() {
        return data.remaining();
    }

    /**
     * The piece of a text message, decoded (it holds whole characters).
     *
     * @throws IllegalStateException for a piece of a binary message
     */
    public String text() {
        if (!text) {
            throw new IllegalStateException("a piece of a binary message has no text");
        }
        ByteBuffer d = data.duplicate();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Fragment[" + (text ? "text " : "binary ") + size() + " bytes" + (first ? " first" : "")
                + (last ? " last" : "") + "]";
    }
}
