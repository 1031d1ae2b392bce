package dev.sleet.core.internal.jfr;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import jdk.jfr.FlightRecorder;

/**
 * The core's JDK Flight Recorder events ({@code dev.sleet.*}, category Sleet / WebSocket), one static method per
 * event. Each costs one volatile read and allocates nothing while Flight Recorder has not been started in this JVM
 * ({@link FlightRecorder#isInitialized()}: every way to record — {@code -XX:StartFlightRecording}, {@code jcmd
 * JFR.start}, {@code new Recording()}, a {@code RecordingStream} — initializes it first); after that, an event
 * object is made and filled only when {@code shouldCommit()} says the event is enabled and passes its threshold.
 * Arguments are what the caller already holds (no strings built for a disabled event). Any thread.
 *
 * <p>The event classes sit in this package, which the module does not export: Flight Recorder instruments and
 * reads them without access checks, so recording needs no {@code --add-exports} or {@code --add-opens}
 * ({@code FlightRecorderEventsTest} records them on the module path; docs/observability.md shows a
 * {@code java -p ... -m} run).
 *
 * <p>An event never fails the core: each method swallows a {@link LinkageError} or {@link RuntimeException} from
 * Flight Recorder (logged once at DEBUG). The event classes are loaded with this class, which the server loads at
 * start ({@link #load()}), so no class needs loading later when descriptors may have run out (EMFILE: a class
 * directory cannot be opened then).
 */
public final class SleetEvents {
    private static final System.Logger LOG = System.getLogger(SleetEvents.class.getName());

    /** Every event class, loaded (not initialized) with this class. */
    static final java.util.List<Class<? extends jdk.jfr.Event>> EVENTS = java.util.List.of(
            ConnectionOpenedEvent.class, ConnectionClosedEvent.class, HandshakeRejectedEvent.class,
            SlowConsumerCloseEvent.class, InboundPausedEvent.class, InboundResumedEvent.class,
            AcceptPausedEvent.class);

    private static volatile boolean failureLogged;

    private SleetEvents() {
    }

    /** Loads this class and the event classes (called when a server starts). */
    public static void load() {
        // the class initializer did it
    }

    private static void failed(Throwable t) {
        if (!failureLogged) {
            failureLogged = true;
            LOG.log(System.Logger.Level.DEBUG, "a Flight Recorder event failed; the server goes on", t);
        }
    }

    /** True when Flight Recorder may be recording: callers that must compute an argument check this first. */
    public static boolean enabled() {
        return FlightRecorder.isInitialized();
    }

    public static void connectionOpened(long id, InetSocketAddress remote, String path, String subprotocol,
            String transport) {
        if (!enabled()) {
            return;
        }
        try {
            ConnectionOpenedEvent e = new ConnectionOpenedEvent();
            if (e.shouldCommit()) {
                e.connectionId = id;
                e.remoteAddress = format(remote);
                e.path = path;
                e.subprotocol = subprotocol;
                e.transport = transport;
                e.commit();
            }
        } catch (RuntimeException | LinkageError t) {
            failed(t);
        }
    }

    public static void connectionClosed(long id, InetSocketAddress remote, int code, String reason, String cause) {
        if (!enabled()) {
            return;
        }
        try {
            ConnectionClosedEvent e = new ConnectionClosedEvent();
            if (e.shouldCommit()) {
                e.connectionId = id;
                e.remoteAddress = format(remote);
                e.closeCode = code;
                e.reason = reason;
                e.cause = cause;
                e.commit();
            }
        } catch (RuntimeException | LinkageError t) {
            failed(t);
        }
    }

    public static void handshakeRejected(long id, InetSocketAddress remote, int status, String reason) {
        if (!enabled()) {
            return;
        }
        try {
            HandshakeRejectedEvent e = new HandshakeRejectedEvent();
            if (e.shouldCommit()) {
                e.connectionId = id;
                e.remoteAddress = format(remote);
                e.status = status;
                e.reason = reason;
                e.commit();
            }
        } catch (RuntimeException | LinkageError t) {
            failed(t);
        }
    }

    public static void slowConsumerClose(long id, InetSocketAddress remote, long queuedBytes, long messageBytes,
            long cap) {
        if (!enabled()) {
            return;
        }
        try {
            SlowConsumerCloseEvent e = new SlowConsumerCloseEvent();
            if (e.shouldCommit()) {
                e.connectionId = id;
                e.remoteAddress = format(remote);
                e.queuedBytes = queuedBytes;
                e.messageBytes = messageBytes;
                e.cap = cap;
                e.commit();
            }
        } catch (RuntimeException | LinkageError t) {
            failed(t);
        }
    }

    public static void inboundPaused(long id, long queuedBytes, long highWater) {
        if (!enabled()) {
            return;
        }
        try {
            InboundPausedEvent e = new InboundPausedEvent();
            if (e.shouldCommit()) {
                e.connectionId = id;
                e.queuedBytes = queuedBytes;
                e.highWater = highWater;
                e.commit();
            }
        } catch (RuntimeException | LinkageError t) {
            failed(t);
        }
    }

    /** @param pausedAtNanos {@link System#nanoTime()} when reading paused */
    public static void inboundResumed(long id, long queuedBytes, long pausedAtNanos) {
        if (!enabled()) {
            return;
        }
        try {
            InboundResumedEvent e = new InboundResumedEvent();
            if (e.shouldCommit()) {
                e.connectionId = id;
                e.queuedBytes = queuedBytes;
                e.pausedFor = System.nanoTime() - pausedAtNanos;
                e.commit();
            }
        } catch (RuntimeException | LinkageError t) {
            failed(t);
        }
    }

    public static void acceptPaused(InetSocketAddress listener, Throwable error, Duration backoff) {
        if (!enabled()) {
            return;
        }
        try {
            AcceptPausedEvent e = new AcceptPausedEvent();
            if (e.shouldCommit()) {
                e.listener = format(listener);
                e.error = String.valueOf(error);
                e.backoff = backoff.toMillis();
                e.commit();
            }
        } catch (RuntimeException | LinkageError t) {
            failed(t);
        }
    }

    /** {@code 127.0.0.1:54321}, {@code [::1]:54321}: the literal address, never a name lookup. */
    static String format(InetSocketAddress a) {
        if (a == null) {
            return null;
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
