package dev.sleet.server.internal;

import dev.sleet.server.ServerMetrics;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters: striped adders, cheap to bump from loops and actors alike. */
final class Metrics {
    final LongAdder openConnections = new LongAdder();
    final LongAdder acceptedHandshakes = new LongAdder();
    final LongAdder rejectedHandshakes = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder pingsSent = new LongAdder();
    final LongAdder pongsReceived = new LongAdder();
    final LongAdder heartbeatTimeouts = new LongAdder();
    final LongAdder slowConsumerCloses = new LongAdder();
    final LongAdder slowConsumerDrops = new LongAdder();
    final LongAdder handlerCrashes = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();

    ServerMetrics snapshot(long queuedBytes) {
        return ServerMetrics.builder()
                .openConnections(openConnections.sum())
                .acceptedHandshakes(acceptedHandshakes.sum())
                .rejectedHandshakes(rejectedHandshakes.sum())
                .messagesIn(messagesIn.sum())
                .messagesOut(messagesOut.sum())
                .bytesIn(bytesIn.sum())
                .bytesOut(bytesOut.sum())
                .pingsSent(pingsSent.sum())
                .pongsReceived(pongsReceived.sum())
                .heartbeatTimeouts(heartbeatTimeouts.sum())
                .slowConsumerCloses(slowConsumerCloses.sum())
                .slowConsumerDrops(slowConsumerDrops.sum())
                .handlerCrashes(handlerCrashes.sum())
                .protocolErrors(protocolErrors.sum())
                .queuedBytes(queuedBytes)
                .build();
    }
}
