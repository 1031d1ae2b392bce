package dev.sleet.server.spi;

/** A transport could not be chosen or created: an unknown name, an unavailable provider, bad key material. */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public TransportException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
