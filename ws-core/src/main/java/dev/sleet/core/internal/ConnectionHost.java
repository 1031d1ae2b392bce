package dev.sleet.core.internal;

import dev.sleet.actor.ActorSystem;
import dev.sleet.frame.CloseStatus;
import java.util.concurrent.ForkJoinPool;

/**
 * What a connection needs from the side that owns it (the server, or a client): its limits, counters, actor system
 * and heartbeat settings, and the bookkeeping of open connections and live actors. Implementations are thread-safe:
 * loops and actor workers call them.
 */
public interface ConnectionHost {
    ConnectionConfig connectionConfig();

    Metrics counters();

    ActorSystem actors();

    Heartbeat.Shared heartbeatShared();

    /** A connection actor was spawned. */
    void actorStarted();

    /** A connection actor finished. */
    void actorEnded();

    /** The connection opened (loop). */
    void opened(WsConnection c);

    /** The connection ended after having opened (loop). */
    void ended(WsConnection c);

    /**
     * Completes a connection's close future where it has no actor left to do it: on the loop when nobody observes
     * it (no user code can run), else on a common-pool worker — never user code on a loop.
     */
    static void reportClosedOffLoop(ConnectionFacade facade, CloseStatus status) {
        if (!facade.reportClosedIfUnobserved(status)) {
            ForkJoinPool.commonPool().execute(() -> facade.reportClosed(status));
        }
    }
}
