package dev.sleet.server.internal;

import dev.sleet.core.internal.Outbound;

import dev.sleet.frame.MessageAssembler;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/**
 * The default of every {@code WebSocketServer.Builder} option and the range each may take: the one place both the
 * builder and {@code docs/limits.md} (checked by {@code LimitsDocTest}) take them from. Not API.
 */
public final class Defaults {
    private Defaults() {
    }

    // --- listeners ---------------------------------------------------------------------------------------

    /** Interface to bind: all. */
    public static final String HOST = "0.0.0.0";
    /** Plain port. */
    public static final int PORT = 8080;
    /** No second (TLS) port. */
    public static final int TLS_PORT = -1;
    /** Highest TCP port. */
    public static final int MAX_PORT = 65535;

    // --- sizes --------------------------------------------------------------------------------------------

    /** Largest message: 16 MiB. */
    public static final long MAX_MESSAGE_SIZE = MessageAssembler.DEFAULT_MAX_MESSAGE_SIZE;
    /**
     * The most {@code maxMessageSize} may be: what {@link MessageAssembler} can buffer as one message (the largest
     * Java array, {@value MessageAssembler#MAX_BUFFERED_MESSAGE_SIZE} bytes).
     */
    public static final long MAX_MESSAGE_SIZE_LIMIT = MessageAssembler.MAX_BUFFERED_MESSAGE_SIZE;
    /** Outbound bytes queued per connection before the overflow policy applies: 4 MiB. */
    public static final long MAX_QUEUED_BYTES = 4L << 20;

    // --- HttpLimits: upper bounds the builder adds to the record's own lower bounds --------------------------

    /** Longest request line the builder accepts as a limit: 1 MiB. */
    public static final int MAX_REQUEST_LINE_LENGTH_LIMIT = 1 << 20;
    /** Most header fields the builder accepts as a limit. */
    public static final int MAX_HEADER_COUNT_LIMIT = 10_000;
    /** Most header bytes the builder accepts as a limit: 1 MiB. */
    public static final int MAX_HEADER_BYTES_LIMIT = 1 << 20;

    // --- connections ----------------------------------------------------------------------------------------

    /** Descriptors kept back from {@code maxConnections} for listeners, selectors, files and logs. */
    public static final int DESCRIPTOR_RESERVE = 64;
    /** {@code maxConnections} where the process's descriptor limit cannot be read. */
    public static final int MAX_CONNECTIONS_FALLBACK = 10_000;
    /** Connections per remote address: 0, no per-address limit. */
    public static final int MAX_CONNECTIONS_PER_ADDRESS = 0;
    /** Plain HTTP requests served on one connection (HTTP/1.1 keep-alive): 100; 1 turns keep-alive off. */
    public static final int MAX_REQUESTS_PER_CONNECTION = 100;
    /** The most {@code maxRequestsPerConnection} may be. */
    public static final int MAX_MAX_REQUESTS_PER_CONNECTION = 1_000_000;

    // --- times ----------------------------------------------------------------------------------------------

    /** From accept to a complete request: 10 s. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** After a plain HTTP response on a kept-alive connection, the next request must be complete within: 5 s. */
    public static final Duration HTTP_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(5);
    /** Nothing received for this long closes the connection: 0, off. */
    public static final Duration IDLE_TIMEOUT = Duration.ZERO;
    /** Ping after this long without input: 30 s. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    /** A ping's pong may take this long: 10 s. */
    public static final Duration PONG_TIMEOUT = Duration.ofSeconds(10);
    /** Our close frame's answer may take this long: 5 s. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** How long accepting pauses when accept fails for lack of descriptors: 1 s (as Netty). */
    public static final Duration ACCEPT_BACKOFF = Duration.ofSeconds(1);
    /** The longest any timeout or interval may be: 1 day (far from overflowing nanosecond arithmetic). */
    public static final Duration MAX_DURATION = Duration.ofDays(1);
    /** The shortest accept back-off: 1 ms (a shorter pause is a busy loop). */
    public static final Duration MIN_ACCEPT_BACKOFF = Duration.ofMillis(1);
    /** The longest accept back-off: 1 min. */
    public static final Duration MAX_ACCEPT_BACKOFF = Duration.ofMinutes(1);

    // --- threads and ids ---------------------------------------------------------------------------------

    /** The most event loops or actor workers a server may ask for. */
    public static final int MAX_THREADS = 1024;
    /** The highest node id (16 bits of the connection id). */
    public static final int MAX_NODE_ID = 0xFFFF;
    /** Node id: 0. */
    public static final int NODE_ID = 0;

    /** Event loops and actor workers: one per available processor. */
    public static int threads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
    }

    /**
     * The default {@code maxConnections}: the process's descriptor limit minus {@link #DESCRIPTOR_RESERVE} (at
     * least 1), read through {@code com.sun.management.UnixOperatingSystemMXBean}; {@link #MAX_CONNECTIONS_FALLBACK}
     * where that limit cannot be read (not a Unix JVM, or no {@code jdk.management}).
     */
    public static int maxConnections() {
        return maxConnectionsFor(maxDescriptors());
    }

    /** The default {@code maxConnections} for a descriptor limit ({@code -1}: unknown). */
    public static int maxConnectionsFor(long maxDescriptors) {
        if (maxDescriptors <= 0) {
            return MAX_CONNECTIONS_FALLBACK;
        }
        long n = maxDescriptors - DESCRIPTOR_RESERVE;
        return (int) Math.max(1, Math.min(n, Integer.MAX_VALUE));
    }

    /** The process's limit on open descriptors, or -1 when it cannot be read. */
    public static long maxDescriptors() {
        try {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                long max = unix.getMaxFileDescriptorCount();
                return max > 0 ? max : -1;
            }
        } catch (RuntimeException | LinkageError e) {
            // a JVM without the management beans: use the fallback
        }
        return -1;
    }
}
