package dev.sleet.server;

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
     * A binary message (opcode 0x2). The handler owns the bytes: the buffer is a read-only view of an array that
     * no one else holds.
     */
    record Binary(ByteBuffer data) implements Message {
        public Binary {
            Objects.requireNonNull(data, "data");
            if (!data.isReadOnly()) {
                data = data.asReadOnlyBuffer();
            }
        }

        /** Wraps {@code bytes} without copying; the caller gives up ownership. */
        public static Binary wrap(byte[] bytes) {
            return new Binary(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
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
