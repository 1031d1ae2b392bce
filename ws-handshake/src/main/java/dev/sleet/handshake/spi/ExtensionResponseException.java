package dev.sleet.handshake.spi;

/**
 * A server's answer to an extension offer that the client must not accept (for permessage-deflate, RFC 7692 §5 and
 * §7.1: an unknown or repeated parameter, a window size out of range or larger than offered, a parameter the offer
 * did not allow). The message says which rule broke. Records no stack trace.
 */
public final class ExtensionResponseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason which rule the response breaks, e.g. {@code "server_max_window_bits=15 is above the 10 offered"} */
    public ExtensionResponseException(String reason) {
        super(reason, null, false, false);
    }
}
