package dev.sleet.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

@Name("dev.sleet.AcceptPaused")
@Label("WebSocket Accept Paused")
@Description("accept failed on a listener (descriptors ran out: EMFILE, ENFILE): accepting pauses for the backoff "
        + "instead of spinning; open connections keep working")
@Category({"Sleet", "WebSocket"})
@StackTrace(false)
final class AcceptPausedEvent extends jdk.jfr.Event {
    @Label("Listener")
    @Description("The listening address")
    String listener;

    @Label("Error")
    @Description("The exception accept threw")
    String error;

    @Label("Backoff")
    @Description("How long accepting pauses (acceptBackoff)")
    @Timespan(Timespan.MILLISECONDS)
    long backoff;
}
