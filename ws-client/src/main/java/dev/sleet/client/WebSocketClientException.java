package dev.sleet.client;

import java.io.IOException;

/**
 * Why {@link WebSocketClient#connect} failed: one of a closed set of causes, so a caller can {@code switch} on the
 * type. Every subtype keeps the underlying exception as its cause where there is one.
 */
public abstract sealed class WebSocketClientException extends IOException
        permits ConnectFailedException, ConnectTimeoutException, ProxyConnectException, TlsHandshakeException,
        UnresolvedHostException, UpgradeFailedException {
    private static final long serialVersionUID = 1L;

    WebSocketClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
