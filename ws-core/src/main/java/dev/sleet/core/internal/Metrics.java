package dev.sleet.core.internal;

import java.util.concurrent.atomic.LongAdder;

/** A side's connection counters (the server's, a client's): striped adders, cheap to bump from loops and actors alike. */
public final class Metrics {
    public final LongAdder openConnections = new LongAdder();
    public final LongAdder acceptedHandshakes = new LongAdder();
    public final LongAdder rejectedHandshakes = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder pingsSent = new LongAdder();
    public final LongAdder pongsReceived = new LongAdder();
    public final LongAdder heartbeatTimeouts = new LongAdder();
    public final LongAdder slowConsumerCloses = new LongAdder();
    public final LongAdder slowConsumerDrops = new LongAdder();
    public final LongAdder handlerCrashes = new LongAdder();
    public final LongAdder protocolErrors = new LongAdder();
}
