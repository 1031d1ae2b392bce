package dev.sleet.client;

/** The host name did not resolve to an address (DNS). */
public final class UnresolvedHostException extends WebSocketClientException {
    private static final long serialVersionUID = 1L;
    private final String host;

    public UnresolvedHostException(String host, Throwable cause) {
        super("cannot resolve " + host + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""),
                cause);
        this.host = host;
    }

    /** The name that did not resolve. */
    public String host() {
        return host;
    }
}
