package dev.sleet.server;

/**
 * A snapshot of a server's counters, read with {@link WebSocketServer#metrics()}. Counters are totals since the
 * server started, except {@link #openConnections()} and {@link #queuedBytes()}, which are current.
 *
 * @param openConnections       connections whose upgrade completed and that have not ended
 * @param acceptedHandshakes    upgrades answered with 101
 * @param rejectedHandshakes    upgrade or plain requests answered with an HTTP error (4xx/5xx), and connections
 *                              closed for a missing or malformed PROXY protocol header
 * @param messagesIn            complete data messages received
 * @param messagesOut           data messages queued for sending (broadcast counts once per recipient)
 * @param bytesIn               bytes read from sockets (after TLS)
 * @param bytesOut              bytes written to sockets (before TLS)
 * @param pingsSent             heartbeat and user pings sent
 * @param pongsReceived         pongs received
 * @param heartbeatTimeouts     connections closed because no matching pong arrived in time
 * @param slowConsumerCloses    connections closed with 1008 because their outbound queue overflowed
 * @param slowConsumerDrops     messages dropped because a connection's outbound queue was full
 * @param handlerCrashes        handler callbacks that threw (each closed its connection with 1011)
 * @param protocolErrors        connections failed for a protocol violation (1002, 1007, 1009)
 * @param queuedBytes           outbound bytes queued on all connections right now
 */
public record ServerMetrics(
        long openConnections,
        long acceptedHandshakes,
        long rejectedHandshakes,
        long messagesIn,
        long messagesOut,
        long bytesIn,
        long bytesOut,
        long pingsSent,
        long pongsReceived,
        long heartbeatTimeouts,
        long slowConsumerCloses,
        long slowConsumerDrops,
        long handlerCrashes,
        long protocolErrors,
        long queuedBytes) {
}
