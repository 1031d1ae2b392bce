package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.SendResult;

/**
 * A snapshot of a server's counters, read with {@link WebSocketServer#metrics()}. Counters are totals since the
 * server started, except {@link #openConnections()} and {@link #queuedBytes()}, which are current.
 *
 * <p>A value class, not a record: new counters can be added in later releases without breaking code that reads
 * this one. Read it through its accessors; a snapshot for a test is made with {@link #builder()} (counters not set
 * are 0). Two snapshots are equal when every counter is; {@link #toString()} lists them all.
 */
public final class ServerMetrics {
    private final long openConnections;
    private final long acceptedHandshakes;
    private final long rejectedHandshakes;
    private final long messagesIn;
    private final long messagesOut;
    private final long bytesIn;
    private final long bytesOut;
    private final long pingsSent;
    private final long pongsReceived;
    private final long heartbeatTimeouts;
    private final long slowConsumerCloses;
    private final long slowConsumerDrops;
    private final long handlerCrashes;
    private final long protocolErrors;
    private final long queuedBytes;

    private ServerMetrics(Builder b) {
        this.openConnections = b.openConnections;
        this.acceptedHandshakes = b.acceptedHandshakes;
        this.rejectedHandshakes = b.rejectedHandshakes;
        this.messagesIn = b.messagesIn;
        this.messagesOut = b.messagesOut;
        this.bytesIn = b.bytesIn;
        this.bytesOut = b.bytesOut;
        this.pingsSent = b.pingsSent;
        this.pongsReceived = b.pongsReceived;
        this.heartbeatTimeouts = b.heartbeatTimeouts;
        this.slowConsumerCloses = b.slowConsumerCloses;
        this.slowConsumerDrops = b.slowConsumerDrops;
        this.handlerCrashes = b.handlerCrashes;
        this.protocolErrors = b.protocolErrors;
        this.queuedBytes = b.queuedBytes;
    }

    /** A builder whose counters are all 0: for tests, and for the server itself. */
    public static Builder builder() {
        return new Builder();
    }

    /** Connections whose upgrade completed and that have not ended (current, not a total). */
    public long openConnections() {
        return openConnections;
    }

    /** Upgrades answered with 101. */
    public long acceptedHandshakes() {
        return acceptedHandshakes;
    }

    /**
     * Upgrade or plain requests answered with an HTTP error (4xx/5xx), sockets refused at accept over a
     * connection limit, and connections closed for a missing or malformed PROXY protocol header.
     */
    public long rejectedHandshakes() {
        return rejectedHandshakes;
    }

    /** Complete data messages received. */
    public long messagesIn() {
        return messagesIn;
    }

    /** Data messages queued for sending (a broadcast counts once per recipient). */
    public long messagesOut() {
        return messagesOut;
    }

    /** Bytes read from sockets (after TLS). */
    public long bytesIn() {
        return bytesIn;
    }

    /** Bytes written to sockets (before TLS). */
    public long bytesOut() {
        return bytesOut;
    }

    /**
     * Pings queued for sending: the heartbeat's pings, and {@link Connection#ping} calls that returned
     * {@link SendResult#ENQUEUED}. A ping counts when it is queued, so one still queued when its connection ends
     * counts too; a ping refused (dropped, or the connection closing) does not count, nor do the pongs the server
     * sends in answer to the peer's pings.
     */
    public long pingsSent() {
        return pingsSent;
    }

    /** Pongs received (whether or not they answer a ping of the server's). */
    public long pongsReceived() {
        return pongsReceived;
    }

    /** Connections closed because no matching pong arrived in time. */
    public long heartbeatTimeouts() {
        return heartbeatTimeouts;
    }

    /** Connections closed with 1008 because their outbound queue overflowed. */
    public long slowConsumerCloses() {
        return slowConsumerCloses;
    }

    /** Messages dropped because a connection's outbound queue was full. */
    public long slowConsumerDrops() {
        return slowConsumerDrops;
    }

    /**
     * Handler callbacks that threw: a throw in {@code onConnect} or an HTTP handler is answered with 500, one in
     * {@code onOpen}, {@code onMessage} or {@code onInfo} closes the connection with 1011, one in {@code onClose}
     * is only counted (the connection has ended).
     */
    public long handlerCrashes() {
        return handlerCrashes;
    }

    /** Connections failed for a protocol violation (1002, 1007, 1009). */
    public long protocolErrors() {
        return protocolErrors;
    }

    /** Outbound bytes queued on all open connections right now (current, not a total). */
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServerMetrics o
                && openConnections == o.openConnections
                && acceptedHandshakes == o.acceptedHandshakes
                && rejectedHandshakes == o.rejectedHandshakes
                && messagesIn == o.messagesIn
                && messagesOut == o.messagesOut
                && bytesIn == o.bytesIn
                && bytesOut == o.bytesOut
                && pingsSent == o.pingsSent
                && pongsReceived == o.pongsReceived
                && heartbeatTimeouts == o.heartbeatTimeouts
                && slowConsumerCloses == o.slowConsumerCloses
                && slowConsumerDrops == o.slowConsumerDrops
                && handlerCrashes == o.handlerCrashes
                && protocolErrors == o.protocolErrors
                && queuedBytes == o.queuedBytes;
    }

    @Override
    public int hashCode() {
        int h = 0;
        h = 31 * h + Long.hashCode(openConnections);
        h = 31 * h + Long.hashCode(acceptedHandshakes);
        h = 31 * h + Long.hashCode(rejectedHandshakes);
        h = 31 * h + Long.hashCode(messagesIn);
        h = 31 * h + Long.hashCode(messagesOut);
        h = 31 * h + Long.hashCode(bytesIn);
        h = 31 * h + Long.hashCode(bytesOut);
        h = 31 * h + Long.hashCode(pingsSent);
        h = 31 * h + Long.hashCode(pongsReceived);
        h = 31 * h + Long.hashCode(heartbeatTimeouts);
        h = 31 * h + Long.hashCode(slowConsumerCloses);
        h = 31 * h + Long.hashCode(slowConsumerDrops);
        h = 31 * h + Long.hashCode(handlerCrashes);
        h = 31 * h + Long.hashCode(protocolErrors);
        h = 31 * h + Long.hashCode(queuedBytes);
        return h;
    }

    @Override
    public String toString() {
        return "ServerMetrics["
                + "openConnections=" + openConnections + ", "
                + "acceptedHandshakes=" + acceptedHandshakes + ", "
                + "rejectedHandshakes=" + rejectedHandshakes + ", "
                + "messagesIn=" + messagesIn + ", "
                + "messagesOut=" + messagesOut + ", "
                + "bytesIn=" + bytesIn + ", "
                + "bytesOut=" + bytesOut + ", "
                + "pingsSent=" + pingsSent + ", "
                + "pongsReceived=" + pongsReceived + ", "
                + "heartbeatTimeouts=" + heartbeatTimeouts + ", "
                + "slowConsumerCloses=" + slowConsumerCloses + ", "
                + "slowConsumerDrops=" + slowConsumerDrops + ", "
                + "handlerCrashes=" + handlerCrashes + ", "
                + "protocolErrors=" + protocolErrors + ", "
                + "queuedBytes=" + queuedBytes
                + "]";
    }

    /** Sets counters one by one; a counter left alone is 0. Not thread-safe; {@link #build()} may be called again. */
    public static final class Builder {
        private long openConnections;
        private long acceptedHandshakes;
        private long rejectedHandshakes;
        private long messagesIn;
        private long messagesOut;
        private long bytesIn;
        private long bytesOut;
        private long pingsSent;
        private long pongsReceived;
        private long heartbeatTimeouts;
        private long slowConsumerCloses;
        private long slowConsumerDrops;
        private long handlerCrashes;
        private long protocolErrors;
        private long queuedBytes;

        private Builder() {
        }

        /** Sets {@link ServerMetrics#openConnections()}. */
        public Builder openConnections(long value) {
            this.openConnections = value;
            return this;
        }

        /** Sets {@link ServerMetrics#acceptedHandshakes()}. */
        public Builder acceptedHandshakes(long value) {
            this.acceptedHandshakes = value;
            return this;
        }

        /** Sets {@link ServerMetrics#rejectedHandshakes()}. */
        public Builder rejectedHandshakes(long value) {
            this.rejectedHandshakes = value;
            return this;
        }

        /** Sets {@link ServerMetrics#messagesIn()}. */
        public Builder messagesIn(long value) {
            this.messagesIn = value;
            return this;
        }

        /** Sets {@link ServerMetrics#messagesOut()}. */
        public Builder messagesOut(long value) {
            this.messagesOut = value;
            return this;
        }

        /** Sets {@link ServerMetrics#bytesIn()}. */
        public Builder bytesIn(long value) {
            this.bytesIn = value;
            return this;
        }

        /** Sets {@link ServerMetrics#bytesOut()}. */
        public Builder bytesOut(long value) {
            this.bytesOut = value;
            return this;
        }

        /** Sets {@link ServerMetrics#pingsSent()}. */
        public Builder pingsSent(long value) {
            this.pingsSent = value;
            return this;
        }

        /** Sets {@link ServerMetrics#pongsReceived()}. */
        public Builder pongsReceived(long value) {
            this.pongsReceived = value;
            return this;
        }

        /** Sets {@link ServerMetrics#heartbeatTimeouts()}. */
        public Builder heartbeatTimeouts(long value) {
            this.heartbeatTimeouts = value;
            return this;
        }

        /** Sets {@link ServerMetrics#slowConsumerCloses()}. */
        public Builder slowConsumerCloses(long value) {
            this.slowConsumerCloses = value;
            return this;
        }

        /** Sets {@link ServerMetrics#slowConsumerDrops()}. */
        public Builder slowConsumerDrops(long value) {
            this.slowConsumerDrops = value;
            return this;
        }

        /** Sets {@link ServerMetrics#handlerCrashes()}. */
        public Builder handlerCrashes(long value) {
            this.handlerCrashes = value;
            return this;
        }

        /** Sets {@link ServerMetrics#protocolErrors()}. */
        public Builder protocolErrors(long value) {
            this.protocolErrors = value;
            return this;
        }

        /** Sets {@link ServerMetrics#queuedBytes()}. */
        public Builder queuedBytes(long value) {
            this.queuedBytes = value;
            return this;
        }

        /** The snapshot with the counters set so far. */
        public ServerMetrics build() {
            return new ServerMetrics(this);
        }
    }
}
