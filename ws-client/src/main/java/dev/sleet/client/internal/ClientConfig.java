package dev.sleet.client.internal;

import dev.sleet.core.OverflowPolicy;
import dev.sleet.core.internal.ConnectionConfig;
import dev.sleet.frame.MessageAssembler;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * What a client was built with, checked here: every value in range, with the option named when it is not.
 *
 * @param sslContext null for the JDK's default context (made on the first {@code wss} connect)
 * @param proxyHost  an HTTP proxy to tunnel through with {@code CONNECT}, or null
 * @param proxyUser  Basic credentials for the proxy, or null
 * @param tlsTransport a client TLS provider's name, or null to choose by priority
 */
public record ClientConfig(int eventLoops, int workers, Duration connectTimeout, Duration handshakeTimeout,
        Duration closeTimeout, long maxMessageSize, long maxFrameSize, long maxQueuedBytes,
        OverflowPolicy overflowPolicy, SSLContext sslContext, boolean verifyHostname, boolean blockingHandlers,
        Duration pingInterval, Duration pongTimeout, int maxResponseHeaderBytes, String proxyHost, int proxyPort,
        String proxyUser, String proxyPassword, String tlsTransport, TrustManager[] trustManagers,
        KeyManager[] keyManagers) implements ConnectionConfig {

    static final int MAX_THREADS = 1024;
    static final Duration MAX_DURATION = Duration.ofDays(1);

    public ClientConfig {
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        range("eventLoops", eventLoops, 1, MAX_THREADS);
        range("workers", workers, 1, MAX_THREADS);
        positive("connectTimeout", connectTimeout);
        positive("handshakeTimeout", handshakeTimeout);
        positive("closeTimeout", closeTimeout);
        positive("pongTimeout", pongTimeout);
        if (pingInterval.isNegative() || pingInterval.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("pingInterval must be between 0 (off) and " + MAX_DURATION + ": "
                    + pingInterval);
        }
        range("maxMessageSize", maxMessageSize, 1, MessageAssembler.MAX_BUFFERED_MESSAGE_SIZE);
        range("maxFrameSize", maxFrameSize, 1, maxMessageSize);
        range("maxQueuedBytes", maxQueuedBytes, 1024, Long.MAX_VALUE / 4);
        range("maxResponseHeaderBytes", maxResponseHeaderBytes, 256, 1 << 20);
        if (proxyHost != null) {
            range("proxy port", proxyPort, 1, 65535);
        } else if (proxyUser != null) {
            throw new IllegalArgumentException("proxyCredentials without a proxy");
        }
    }

    private static void range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ": " + value);
        }
    }

    private static void positive(String option, Duration d) {
        Objects.requireNonNull(d, option);
        if (d.isZero() || d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(option + " must be positive and at most " + MAX_DURATION + ": " + d);
        }
    }

    /** A client has no idle timeout (its heartbeat, when on, closes a silent server). */
    @Override
    public Duration idleTimeout() {
        return Duration.ZERO;
    }

    @Override
    public long writeHighWater() {
        return maxQueuedBytes / 2;
    }

    @Override
    public long writeLowWater() {
        return maxQueuedBytes / 4;
    }
}
