package dev.sleet.handshake;

/**
 * A PROXY protocol header that breaks the specification (HAProxy's "The PROXY protocol", versions 1 and 2), or is
 * missing where one is required. There is no answer to send: the server closes the connection. Records no stack
 * trace, so a flood of bad headers stays cheap.
 */
public final class ProxyProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * A missing or malformed PROXY protocol header.
     *
     * @param message what is wrong with the header
     */
    public ProxyProtocolException(String message) {
        super(message, null, false, false);
    }
}
