package dev.sleet.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

@Name("dev.sleet.InboundResumed")
@Label("WebSocket Reading Resumed")
@Description("Inbound flow control: the handler caught up and the server reads the connection's socket again")
@Category({"Sleet", "WebSocket"})
@StackTrace(false)
final class InboundResumedEvent extends jdk.jfr.Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Queued Bytes")
    @Description("Inbound bytes handed to the handler and not yet handled, plus 64 per message")
    @DataAmount
    long queuedBytes;

    @Label("Paused For")
    @Description("How long reading was paused")
    @Timespan(Timespan.NANOSECONDS)
    long pausedFor;
}
