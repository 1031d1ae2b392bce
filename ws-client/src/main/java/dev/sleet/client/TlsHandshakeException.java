package dev.sleet.client;

/**
 * The TLS handshake failed: an untrusted certificate chain, a host name the certificate does not cover (hostname
 * verification is on by default), no common protocol or cipher suite, or an alert from the server. The cause is
 * the engine's {@link javax.net.ssl.SSLException}.
 */
public final class TlsHandshakeException extends WebSocketClientException {
    private static final long serialVersionUID = 1L;

    public TlsHandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
