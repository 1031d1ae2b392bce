package dev.sleet.examples.guide;

import dev.sleet.actor.Cancellable;
import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.time.Duration;

// guide:handlers
final class Counter implements WebSocketHandler {
    /** One per connection, attached when it is accepted; only that connection's actor touches it. */
    static final class Session {
        final String name;
        int messages;

        Session(String name) {
            this.name = name;
        }
    }

    /** A message for every connection's actor; it arrives in onInfo, in order with the frames. */
    enum Tick { INSTANCE }

    @Override public ConnectDecision onConnect(UpgradeRequest request) {
        return ConnectDecision.accept(new Session(request.queryParam("name").orElse("guest")));
    }

    @Override public void onOpen(Connection connection) {
        connection.send("hello " + connection.state(Session.class).name);
    }

    @Override public void onMessage(Connection connection, Message message) {
        Session session = connection.state(Session.class);
        session.messages++;                      // no lock: one connection's callbacks never overlap
        connection.send(session.messages + " messages, the last " + message.size() + " bytes");
    }

    @Override public void onInfo(Connection connection, Object info) {
        if (info == Tick.INSTANCE) {
            connection.send("tick: " + connection.state(Session.class).messages + " messages so far");
        }
    }

    @Override public void onClose(Connection connection, CloseStatus status) {
        System.getLogger("app").log(System.Logger.Level.INFO, "connection " + connection.id() + " ended: " + status);
    }
}
// end:handlers

final class Ticks {
    private Ticks() {
    }

    // guide:ticks
    static Cancellable tickEverySecond(WebSocketServer server) {
        // the server's own timer wheel: no thread of yours; tell() only enqueues, from any thread
        return server.actorSystem().timers().schedulePeriodic(Duration.ofSeconds(1), Duration.ofSeconds(1),
                () -> server.connections().forEach(c -> c.tell(Counter.Tick.INSTANCE)));
    }
    // end:ticks
}
