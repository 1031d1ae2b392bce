package dev.sleet.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A complete WebSocket data message as a handler receives it (RFC 6455 §5.6): text, already validated as UTF-8,
 * or binary. Control frames (ping, pong, close) never arrive as messages; the server answers them itself.
 */
public sealed interface Message permits Message.Text, Message.Binary {

    /** Payload size in bytes as it arrived (UTF-8 bytes for text). */
    int size();

    /** A text message (opcode 0x1), decoded from UTF-8 that was validated as it arrived. */
    record Text(String text, int size) implements Message {
        /** A text message; {@code size} is its UTF-8 length. */
        public Text {
            Objects.requireNonNull(text, "text");
        }

        /** A text message from a string; its size is the UTF-8 length. */
        public Text(String text) {
            this(text, text.getBytes(StandardCharsets.UTF_8).length);
        }

        @Override
        public String toString() {
            return "Text[" + size + " bytes]";
        }
    }

    /**
     * A binary message (opcode 0x2). Immutable: every call to {@link #data()} hands out a new read-only view of
     * the payload whose position and limit the caller may move freely, so reading a view never changes
     * {@link #size()}, {@link #equals}, {@link #hashCode} or {@link #toByteArray()}. Two messages are equal when
     * their payload bytes are.
     *
     * <p>The server builds each message over an array that no one else holds. A message made by the constructor
     * or {@link #wrap} shares the caller's bytes (it copies neither the array nor the buffer's contents): the
     * caller gives them up and must not change them afterwards.
     */
    record Binary(ByteBuffer data) implements Message {
        /** A message over {@code data}'s remaining bytes; later moves of {@code data}'s position do not affect it. */
        public Binary {
            Objects.requireNonNull(data, "data");
            data = data.slice().asReadOnlyBuffer();
        }

        /** Wraps {@code bytes} without copying; the caller gives up ownership. */
        public static Binary wrap(byte[] bytes) {
            return new Binary(ByteBuffer.wrap(bytes));
        }

        /**
         * A new read-only view of the payload, positioned at its first byte; reading it (moving its position)
         * does not affect this message or any other view.
         */
        @Override
        public ByteBuffer data() {
            return data.duplicate();
        }

        @Override
        public int size() {
            return data.remaining();
        }

        /** A copy of the payload as an array. */
        public byte[] toByteArray() {
            byte[] copy = new byte[data.remaining()];
            data.duplicate().get(copy);
            return copy;
        }

        @Override
        public String toString() {
            return "Binary[" + size() + " bytes]";
        }
    }
}
