package dev.sleet.core;

/**
 * What became of a message handed to {@link Connection#send(String)} and its siblings. A send never blocks the
 * caller; the result says whether the bytes are on their way.
 */
public enum SendResult {
    /** The frame is queued for the socket; it will be written in order with the connection's other frames. */
    ENQUEUED,
    /**
     * The connection's outbound queue was over its byte cap and its policy is {@link OverflowPolicy#DROP}: this
     * message was discarded; the connection stays open.
     */
    DROPPED,
    /**
     * The connection is closing or closed (or was just closed with 1008 because its queue overflowed under
     * {@link OverflowPolicy#CLOSE}): nothing was queued.
     */
    CLOSED;

    /** True when the message was queued. */
    public boolean isEnqueued() {
        return this == ENQUEUED;
    }
}
