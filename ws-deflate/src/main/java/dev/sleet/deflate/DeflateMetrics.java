package dev.sleet.deflate;

/**
 * Counters for every permessage-deflate connection in this process (the zlib objects are pooled process-wide).
 * A snapshot: {@link PerMessageDeflate#metrics()}.
 *
 * @param deflatersLive       JDK {@link java.util.zip.Deflater}s that exist: held by connections, borrowed for a
 *                            message, or idle in the pool
 * @param deflatersPooled     of those, idle in the pool
 * @param inflatersLive       JDK {@link java.util.zip.Inflater}s that exist
 * @param inflatersPooled     of those, idle in the pool
 * @param messagesCompressed  messages sent with RSV1
 * @param messagesUncompressed messages the extension let through uncompressed (under the threshold, or not smaller
 *                            when compressed and no context is kept)
 * @param bytesBeforeCompression payload bytes of the compressed messages
 * @param bytesAfterCompression  their compressed payload bytes (the {@code 00 00 ff ff} tail removed)
 * @param messagesInflated    compressed messages received and decompressed to the end
 * @param bytesInflated       decompressed bytes produced (also by messages that failed part-way)
 */
public record DeflateMetrics(
        long deflatersLive,
        long deflatersPooled,
        long inflatersLive,
        long inflatersPooled,
        long messagesCompressed,
        long messagesUncompressed,
        long bytesBeforeCompression,
        long bytesAfterCompression,
        long messagesInflated,
        long bytesInflated) {

    /** Deflaters held by connections or borrowed for a message right now. */
    public long deflatersInUse() {
        return deflatersLive - deflatersPooled;
    }

    /** Inflaters held by connections or borrowed for a message right now. */
    public long inflatersInUse() {
        return inflatersLive - inflatersPooled;
    }
}
