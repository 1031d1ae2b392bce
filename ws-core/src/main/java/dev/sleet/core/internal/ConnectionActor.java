package dev.sleet.core.internal;

import dev.sleet.actor.Actor;
import dev.sleet.actor.ActorContext;
import dev.sleet.actor.ActorRef;
import dev.sleet.actor.ExitReason;
import dev.sleet.actor.SpawnOptions;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.Fragment;
import dev.sleet.core.Message;
import dev.sleet.frame.spi.FrameExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The actor behind one connection: it runs every handler callback for that connection, one at a time,
 * in mailbox order. A callback that throws crashes this actor alone; {@link #onStop} then closes the connection
 * with 1011 and still runs {@code onClose}. Whatever ends the actor, watchers and linked actors hear
 * of it through the actor runtime.
 */
public class ConnectionActor implements Actor<ConnectionEvent> {
    protected static final System.Logger LOG = System.getLogger(ConnectionActor.class.getName());

    protected final WsConnection connection;
    /** What handlers see: the public facade, never the core. */
    protected final ConnectionFacade facade;
    protected final ConnectionHost host;
    protected final ConnectionHandler handler;
    private boolean opened;
    private boolean closeReported;
    /** The event this actor was born for (the upgrade, a plain request, the open), until {@link #onStart} handles it. */
    private ConnectionEvent first;

    /**
     * @param handler the connection's handler; null for a server's plain HTTP request
     * @param first the event the actor was born for (the upgrade, a plain request, the open), handled first
     */
    public ConnectionActor(WsConnection connection, ConnectionHost host, ConnectionHandler handler,
            ConnectionEvent first) {
        this.connection = connection;
        this.facade = connection.facade();
        this.host = host;
        this.handler = handler;
        this.first = first;
    }

    static SpawnOptions options(ConnectionConfig config) {
        SpawnOptions options = SpawnOptions.defaults();
        return config.blockingHandlers() ? options.virtualThreads() : options;
    }

    /** Handles the event the actor was born for, as if it were the first in its mailbox (once). */
    @Override
    public void onStart(ActorContext<ConnectionEvent> ctx) throws Exception {
        ConnectionEvent event = first;
        if (event != null) {
            first = null;
            onMessage(ctx, event);
        }
    }

    @Override
    public void onMessage(ActorContext<ConnectionEvent> ctx, ConnectionEvent event) throws Exception {
        Flusher flusher = connection.flusher();
        flusher.beginTurn();

        // Flush requests to other connections (a broadcast) wake each event loop once, after the handler; only on
        // worker threads, where handlers must not block (a virtual-thread handler may, so it wakes loops at once).
        EventLoop.WakeBatch batch = Thread.currentThread().isVirtual() ? null : EventLoop.beginWakeBatch();
        try {
            handle(ctx, event);
        } finally {
            try {
                // Replies are written once the mailbox is drained: one socket write for a batch of messages.
                flusher.endOfTurn(ctx.self().mailboxSize() == 0);
            } finally {
                if (batch != null) {
                    EventLoop.endWakeBatch(batch);
                }
            }
        }
    }

    /** Gives the handler a message that arrived as {@code frame}: while it runs, sending it back needs no copy. */
    private void deliverMessage(Message message, byte[] frame, int size) throws Exception {
        facade.arriving(message, frame);
        try {
            handler.onMessage(facade, message);
        } finally {
            facade.arriving(null, null);
            connection.inboundHandled(size);
        }
    }

    private void handle(ActorContext<ConnectionEvent> ctx, ConnectionEvent event) throws Exception {
        switch (event) {
            case ConnectionEvent.TextIn t -> {
                int size = t.size();
                String text = new String(t.frame(), t.offset(), size, StandardCharsets.UTF_8);
                deliverMessage(new Message.Text(text, size), t.frame(), size);
            }
            case ConnectionEvent.BinaryIn b -> {
                int size = b.size();
                deliverMessage(new Message.Binary(ByteBuffer.wrap(b.frame(), b.offset(), size)), b.frame(), size);
            }
            case ConnectionEvent.Info i -> {
                if (handler != null) { // none for a plain HTTP request
                    handler.onInfo(facade, i.message());
                }
            }
            case ConnectionEvent.Closing c -> connection.sendClosingFrame(c.status(), c.echo());
            case ConnectionEvent.Ended e -> {
                reportClose(e.status());
                facade.reportClosed(e.status()); // after onClose, in this actor: room cleanup never runs on a loop
                ctx.stop();
            }
            case ConnectionEvent.FragmentIn f -> {
                try {
                    handler.onFragment(facade, new Fragment(f.text(), ByteBuffer.wrap(f.data()), f.first(), f.last()));
                } finally {
                    connection.inboundHandled(f.data().length);
                }
            }
            case ConnectionEvent.ControlIn c -> {
                try {
                    ByteBuffer payload = ByteBuffer.wrap(c.payload()).asReadOnlyBuffer();
                    if (c.ping()) {
                        handler.onPing(facade, payload);
                    } else {
                        handler.onPong(facade, payload);
                    }
                } finally {
                    connection.inboundHandled(c.payload().length);
                }
            }
            case ConnectionEvent.Writable w -> {
                if (opened && !closeReported && facade.isOpen()) {
                    handler.onWritable(facade);
                }
            }
            case ConnectionEvent.SendsSettled s -> facade.runSettled();
            case ConnectionEvent.Opened o -> open(ctx, null, o.extension(), o.subprotocol(), null);
            case ConnectionEvent.Other o -> handleOther(ctx, o);
        }
    }

    /** An event of one side only (the server's decision and plain requests); none by default. */
    protected void handleOther(ActorContext<ConnectionEvent> ctx, ConnectionEvent.Other event) throws Exception {
        throw new IllegalStateException("unexpected event " + event);
    }

    /**
     * Opens the connection for reading with {@code response} (a server's 101, null on a client) queued first, then
     * runs {@code onOpen}. Stops the actor when the connection ended meanwhile. In the actor.
     */
    protected final void open(ActorContext<ConnectionEvent> ctx, java.nio.ByteBuffer response, FrameExtension extension,
            String subprotocol, Object state) throws Exception {
        connection.inboundHooks(hooks(handler));
        if (!connection.acceptUpgrade(response, extension, subprotocol, state)) {
            ctx.stop(); // the connection ended while the handler decided (or it decided too late)
            return;
        }
        opened = true;
        handler.onOpen(facade);
        afterOpen();
    }

    /** {@code onOpen} returned: a side may now report the connection open (a client completes its connect). */
    protected void afterOpen() {
    }

    /** Whether a handler class overrides {@code onPing} / {@code onPong}: looked up once per class. */
    private static final ClassValue<Integer> CONTROL_HOOKS = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            return (overrides(type, "onPing") ? InboundPipeline.PINGS : 0)
                    | (overrides(type, "onPong") ? InboundPipeline.PONGS : 0);
        }
    };

    private static boolean overrides(Class<?> type, String method) {
        try {
            return type.getMethod(method, Connection.class, ByteBuffer.class).getDeclaringClass()
                    != ConnectionHandler.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // cannot tell: deliver, the default does nothing with it
        }
    }

    /** What the handler wants from the inbound pipeline: fragments (it said so), pings and pongs (it overrides). */
    static int hooks(ConnectionHandler handler) {
        return (handler.receivesFragments() ? InboundPipeline.FRAGMENTS : 0) | CONTROL_HOOKS.get(handler.getClass());
    }

    private void reportClose(CloseStatus status) {
        if (closeReported || !opened) {
            return;
        }
        closeReported = true;
        try {
            handler.onClose(facade, status);
        } catch (Exception | Error e) {
            host.counters().handlerCrashes.increment();
            LOG.log(System.Logger.Level.WARNING, "onClose failed for " + connection, e);
        }
    }

    @Override
    public void onStop(ActorContext<ConnectionEvent> ctx, ExitReason reason) {
        CloseStatus reported = null;
        try {
            if (reason instanceof ExitReason.Crashed crashed) {
                host.counters().handlerCrashes.increment();
                LOG.log(System.Logger.Level.WARNING, "handler failed for " + connection + "; closing with 1011",
                        crashed.cause());
                connection.crashed();
                reported = new CloseStatus(CloseCodes.INTERNAL_ERROR, "internal error");
                reportClose(reported);
            } else if (opened && !closeReported) {
                // Stopped from outside (system shutdown, a linked exit): end the connection too.
                connection.goingAway();
                reported = connection.isOpen() ? CloseStatus.GOING_AWAY : connection.finalStatus();
                reportClose(reported);
            }
        } finally {
            if (closeReported) {
                facade.reportClosed(reported != null ? reported : connection.finalStatus());
            }
            // Completions parked before this actor was marked stopped; later ones find it stopped and go to a worker.
            facade.runSettled();
            host.actorEnded();
        }
    }
}
