package dev.sleet.frame.spi;

import java.nio.ByteBuffer;

/**
 * Where an {@link InboundTransform} writes the message data it produces. The sink checks the data as it arrives
 * (UTF-8 for text, the message size cap) and may throw a {@link dev.sleet.frame.WebSocketException}
 * ({@link dev.sleet.frame.InvalidPayloadException} 1007, {@link dev.sleet.frame.MessageTooBigException} 1009),
 * which the transform must let propagate.
 */
@FunctionalInterface
public interface PayloadSink {
    /**
     * Accepts the next chunk of message data (position to limit). The sink reads the chunk during the call and
     * does not keep it, so the transform may reuse the buffer afterwards.
     */
    void accept(ByteBuffer data);
}
