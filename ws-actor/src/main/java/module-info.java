/**
 * Sleet's actor runtime: actors with JCTools MPSC mailboxes run one message at a time on an M:N scheduler
 * (a fixed set of worker threads) or, when their handlers block, on virtual threads. Crashes are isolated
 * and supervised, links and monitors carry typed exit reasons, and one hashed timing wheel per system
 * drives every timer. Nothing here knows about WebSockets.
 *
 * <p>JCTools reaches {@code sun.misc.Unsafe}, hence {@code jdk.unsupported}; on JDK 24 and newer the JVM
 * prints a one-time warning about it unless started with {@code --sun-misc-unsafe-memory-access=allow}.
 */
module dev.sleet.actor {
    requires org.jctools.core;
    requires jdk.unsupported;

    // API
    exports dev.sleet.actor;
}
