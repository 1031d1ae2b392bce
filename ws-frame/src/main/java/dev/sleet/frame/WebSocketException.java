package dev.sleet.frame;

/**
 * A WebSocket failure that carries the close code (RFC 6455 §7.4.1) the endpoint should send before it closes
 * the connection. Unchecked: codec methods throw it for bad input, and the connection code catches it once,
 * sends a close frame with {@link #closeCode()} and closes.
 *
 * <p>Subclasses name the common cases: {@link ProtocolException} (1002), {@link InvalidPayloadException} (1007)
 * and {@link MessageTooBigException} (1009).
 */
public class WebSocketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The close code the connection ends with. */
    private final int closeCode;

    /**
     * An error that ends the connection with {@code closeCode}.
     *
     * @param closeCode the close code to send, one that {@link CloseCodes#isValidOnWire(int)} accepts
     * @param message what went wrong, for logs and for the close reason
     */
    public WebSocketException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /**
     * An error that ends the connection with {@code closeCode}, caused by {@code cause}.
     *
     * @param closeCode the close code to send
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public WebSocketException(int closeCode, String message, Throwable cause) {
        super(message, cause);
        this.closeCode = closeCode;
    }

    /** The close code to send for this failure. */
    public int closeCode() {
        return closeCode;
    }

    /**
     * The status to send: {@link #closeCode()} and this exception's message, which {@link Frames#close} trims to
     * the 123 bytes a close reason may hold.
     */
    public CloseStatus closeStatus() {
        String m = getMessage();
        return new CloseStatus(closeCode, m == null ? "" : m);
    }
}
