package dev.sleet.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.sleet.SlowConsumerClose")
@Label("WebSocket Slow Consumer Closed")
@Description("A send overflowed a connection's outbound cap under OverflowPolicy.CLOSE: the queue is dropped and "
        + "the connection closed with 1008")
@Category({"Sleet", "WebSocket"})
@StackTrace(false)
final class SlowConsumerCloseEvent extends jdk.jfr.Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Queued Bytes")
    @Description("What the queue held when the send overflowed it: frame bytes plus 64 per frame")
    @DataAmount
    long queuedBytes;

    @Label("Message Bytes")
    @Description("The encoded frame that did not fit")
    @DataAmount
    long messageBytes;

    @Label("Cap")
    @Description("The configured maxQueuedBytes")
    @DataAmount
    long cap;
}
