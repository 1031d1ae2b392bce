package dev.sleet.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dev.sleet.InboundPaused")
@Label("WebSocket Reading Paused")
@Description("Inbound flow control: the handler fell behind and the server stopped reading the connection's socket")
@Category({"Sleet", "WebSocket"})
@StackTrace(false)
final class InboundPausedEvent extends jdk.jfr.Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Queued Bytes")
    @Description("Inbound bytes handed to the handler and not yet handled, plus 64 per message")
    @DataAmount
    long queuedBytes;

    @Label("High Water")
    @Description("The mark above which reading pauses")
    @DataAmount
    long highWater;
}
