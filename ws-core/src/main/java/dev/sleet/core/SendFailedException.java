package dev.sleet.core;

import dev.sleet.frame.CloseStatus;
import java.util.Optional;

/**
 * Why a send made with {@link Connection#sendAsync(String)} (or a sibling) will never reach the peer: the send was
 * refused at once ({@link #result()} is {@link SendResult#DROPPED} or {@link SendResult#CLOSED}), or the connection
 * ended before the message's last byte was written ({@link #result()} is {@link SendResult#CLOSED} and
 * {@link #closeStatus()} holds the status the connection ended with, as {@link ConnectionHandler#onClose} reports it).
 * It carries no stack trace: it reports an outcome, not a bug.
 */
public final class SendFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SendResult result;
    private final transient CloseStatus closeStatus;

    /**
     * @param result      {@link SendResult#DROPPED} or {@link SendResult#CLOSED}
     * @param closeStatus the status the connection ended (or is ending) with, or null when not known
     */
    public SendFailedException(SendResult result, CloseStatus closeStatus) {
        super(message(result, closeStatus), null, false, false);
        if (result == null || result == SendResult.ENQUEUED) {
            throw new IllegalArgumentException("a failed send's result is DROPPED or CLOSED, not " + result);
        }
        this.result = result;
        this.closeStatus = closeStatus;
    }

    private static String message(SendResult result, CloseStatus status) {
        if (result == SendResult.DROPPED) {
            return "dropped: the outbound queue was full (OverflowPolicy.DROP)";
        }
        return status == null ? "the connection is closed" : "the connection closed: " + status;
    }

    /** What became of the send: {@link SendResult#DROPPED} or {@link SendResult#CLOSED}. */
    public SendResult result() {
        return result;
    }

    /** The status the connection ended (or began closing) with, when known. */
    public Optional<CloseStatus> closeStatus() {
        return Optional.ofNullable(closeStatus);
    }
}
