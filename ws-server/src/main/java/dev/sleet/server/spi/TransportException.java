package dev.sleet.server.spi;

/** A transport could not be chosen or created: an unknown name, an unavailable provider, bad key material. */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
