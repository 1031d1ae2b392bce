/**
 * Sleet's actor runtime: actors with JCTools MPSC mailboxes run one message at a time on an M:N scheduler
 * (a fixed set of worker threads) or, when their handlers block, on virtual threads. Crashes are isolated
 * and supervised, links and monitors carry typed exit reasons, and one hashed timing wheel per system
 * drives every timer. Nothing here knows about WebSockets.
 *
 * <p>Only JCTools' {@code org.jctools.queues.atomic} queues are used (field updaters, no {@code sun.misc.Unsafe}),
 * so the module needs no {@code jdk.unsupported} and the JVM prints no warning and needs no flag.
 */
module dev.sleet.actor {
    requires org.jctools.core;

    // API
    exports dev.sleet.actor;
}
