package dev.sleet.frame;

/**
 * The peer broke a framing rule of RFC 6455 (§5.2–§5.5, §7.4): close code 1002
 * ({@link CloseCodes#PROTOCOL_ERROR}).
 */
public class ProtocolException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    /**
     * A broken rule of RFC 6455 (1002).
     *
     * @param message the rule that was broken
     */
    public ProtocolException(String message) {
        super(CloseCodes.PROTOCOL_ERROR, message);
    }
}
