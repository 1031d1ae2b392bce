package dev.sleet.frame;

/**
 * A message's data does not match its type, in practice a text message that is not valid UTF-8 (RFC 6455 §5.6,
 * §8.1): close code 1007 ({@link CloseCodes#INVALID_PAYLOAD}).
 */
public class InvalidPayloadException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    /**
     * Data that is not what its type says (1007).
     *
     * @param message what was wrong with the data
     */
    public InvalidPayloadException(String message) {
        super(CloseCodes.INVALID_PAYLOAD, message);
    }
}
