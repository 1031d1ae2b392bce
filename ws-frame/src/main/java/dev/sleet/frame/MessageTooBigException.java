package dev.sleet.frame;

/**
 * A frame or message is larger than the configured limit (RFC 6455 §7.4.1, §10.4): close code 1009
 * ({@link CloseCodes#MESSAGE_TOO_BIG}). Thrown as soon as the size is known, before the excess is buffered.
 */
public class MessageTooBigException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    /**
     * A message or frame over a configured limit (1009).
     *
     * @param message which limit was exceeded, and by what
     */
    public MessageTooBigException(String message) {
        super(CloseCodes.MESSAGE_TOO_BIG, message);
    }
}
