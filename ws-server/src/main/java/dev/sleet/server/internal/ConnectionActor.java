package dev.sleet.server.internal;

import dev.sleet.actor.Actor;
import dev.sleet.actor.ActorContext;
import dev.sleet.actor.ActorRef;
import dev.sleet.actor.ExitReason;
import dev.sleet.actor.SpawnOptions;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.HttpResponse;
import dev.sleet.server.ConnectDecision;
import dev.sleet.server.Connection;
import dev.sleet.server.Fragment;
import dev.sleet.server.Message;
import dev.sleet.server.WebSocketHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The actor behind one connection: it runs every handler callback for that connection, one at a time,
 * in mailbox order. A callback that throws crashes this actor alone; {@link #onStop} then closes the connection
 * with 1011 and still runs {@code onClose}. Whatever ends the actor, watchers and linked actors hear
 * of it through the actor runtime.
 */
final class ConnectionActor implements Actor<ConnectionEvent> {
    private static final System.Logger LOG = System.getLogger(ConnectionActor.class.getName());

    private final WsConnection connection;
    /** What handlers see: the public facade, never the core. */
    private final ServerConnection facade;
    private final ServerCore server;
    private final WebSocketHandler handler;
    private boolean opened;
    private boolean closeReported;
    /** The upgrade decision was applied (at most once). */
    private boolean decided;
    /** The event this actor was born for (the upgrade or the plain request), until {@link #onStart} handles it. */
    private ConnectionEvent first;

    /**
     * @param handler the route's (or the catch-all) WebSocket handler; null for a plain HTTP request
     * @param first the upgrade or plain request, handled as the first event when the actor starts
     */
    ConnectionActor(WsConnection connection, ServerCore server, WebSocketHandler handler, ConnectionEvent first) {
        this.connection = connection;
        this.facade = connection.facade();
        this.server = server;
        this.handler = handler;
        this.first = first;
    }

    static SpawnOptions options(ServerConfig config, long id) {
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

    private void handle(ActorContext<ConnectionEvent> ctx, ConnectionEvent event) throws Exception {
        switch (event) {
            case ConnectionEvent.TextIn t -> {
                try {
                    handler.onMessage(facade,
                            new Message.Text(new String(t.utf8(), StandardCharsets.UTF_8), t.utf8().length));
                } finally {
                    connection.inboundHandled(t.utf8().length);
                }
            }
            case ConnectionEvent.BinaryIn b -> {
                try {
                    handler.onMessage(facade, Message.Binary.wrap(b.data()));
                } finally {
                    connection.inboundHandled(b.data().length);
                }
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
            case ConnectionEvent.Upgrade u -> decide(ctx, u);
            case ConnectionEvent.Decided d -> decided(ctx, d);
            case ConnectionEvent.PlainRequest p -> answer(ctx, p);
        }
    }

    private void decide(ActorContext<ConnectionEvent> ctx, ConnectionEvent.Upgrade u) throws Exception {
        CompletionStage<ConnectDecision> stage;
        try {
            stage = handler.onConnectAsync(u.request());
        } catch (Exception | Error e) {
            decisionFailed(ctx, e);
            return;
        }
        if (stage == null) {
            apply(ctx, u, ConnectDecision.accept());
            return;
        }
        if (stage instanceof CompletableFuture<ConnectDecision> f && f.isDone()) {
            // Decided at once (every synchronous onConnect): no hop through the mailbox.
            ConnectDecision decision;
            try {
                decision = f.join();
            } catch (CompletionException | CancellationException e) {
                decisionFailed(ctx, e.getCause() != null ? e.getCause() : e);
                return;
            }
            apply(ctx, u, decision);
            return;
        }
        // Decided later: the completing thread only tells this actor, which holds no worker meanwhile. The loop's
        // decision deadline still runs; a completion after it finds the connection answered (503) and changes nothing.
        ActorRef<ConnectionEvent> self = ctx.self();
        try {
            stage.whenComplete((decision, failure) -> self.tell(new ConnectionEvent.Decided(u, decision, failure)));
        } catch (Exception | Error e) {
            decisionFailed(ctx, e);
        }
    }

    private void decided(ActorContext<ConnectionEvent> ctx, ConnectionEvent.Decided d) throws Exception {
        if (decided) {
            return;
        }
        if (d.failure() != null) {
            Throwable cause = d.failure() instanceof CompletionException && d.failure().getCause() != null
                    ? d.failure().getCause() : d.failure();
            decisionFailed(ctx, cause);
        } else {
            apply(ctx, d.upgrade(), d.decision());
        }
    }

    private void decisionFailed(ActorContext<ConnectionEvent> ctx, Throwable e) {
        decided = true;
        server.metrics.handlerCrashes.increment();
        LOG.log(System.Logger.Level.WARNING, "onConnect failed for " + connection + "; answering 500", e);
        connection.rejectUpgrade(500, "the server failed to handle the upgrade", HttpHeaders.empty());
        ctx.stop();
    }

    private void apply(ActorContext<ConnectionEvent> ctx, ConnectionEvent.Upgrade u, ConnectDecision decision)
            throws Exception {
        if (decided) {
            return; // a stage completes once; this guards against a misbehaving CompletionStage all the same
        }
        decided = true;
        if (decision == null) {
            decision = ConnectDecision.accept();
        }
        switch (decision) {
            case ConnectDecision.Reject r -> {
                connection.rejectUpgrade(r.status(), r.reason(), r.headers());
                ctx.stop();
            }
            case ConnectDecision.Accept a -> {
                String sub = a.subprotocol() != null ? a.subprotocol() : u.result().subprotocol().orElse(null);
                if (a.subprotocol() != null && !u.request().requestedSubprotocols().contains(a.subprotocol())) {
                    LOG.log(System.Logger.Level.WARNING, "handler chose subprotocol {0}, which the client did not"
                            + " offer; answering 500", a.subprotocol());
                    connection.rejectUpgrade(500, "the server chose a subprotocol the client did not offer",
                            HttpHeaders.empty());
                    ctx.stop();
                    return;
                }
                connection.inboundHooks(hooks(handler));
                if (!connection.acceptUpgrade(u.result(), sub, a.state(), a.headers())) {
                    ctx.stop(); // the connection ended while the handler decided (or it decided too late)
                    return;
                }
                opened = true;
                handler.onOpen(facade);
            }
        }
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
                    != WebSocketHandler.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // cannot tell: deliver, the default does nothing with it
        }
    }

    /** What the handler wants from the inbound pipeline: fragments (it said so), pings and pongs (it overrides). */
    private static int hooks(WebSocketHandler handler) {
        return (handler.receivesFragments() ? InboundPipeline.FRAGMENTS : 0) | CONTROL_HOOKS.get(handler.getClass());
    }

    private void answer(ActorContext<ConnectionEvent> ctx, ConnectionEvent.PlainRequest p) {
        HttpResponse response;
        try {
            response = p.handler().handle(p.request());
            if (response == null) {
                response = HttpResponse.text(404, "not found");
            }
        } catch (Exception | Error e) {
            server.metrics.handlerCrashes.increment();
            LOG.log(System.Logger.Level.WARNING, "HTTP handler failed for " + connection, e);
            response = HttpResponse.text(500, "the server failed to handle the request");
        }
        boolean persist = p.keepAlive() && !response.headers().containsToken("Connection", "close")
                && response.status() >= 200;
        if (!persist && !response.headers().containsToken("Connection", "close")) {
            response = withClose(response);
        }
        connection.respond(response, persist);
        ctx.stop(); // a kept-alive connection gets a new actor for its next request
    }

    /** {@code response} with {@code Connection: close} (RFC 9112 §9.6), replacing any other Connection field. */
    private static HttpResponse withClose(HttpResponse response) {
        HttpResponse.Builder b = HttpResponse.builder(response.status()).reasonPhrase(response.reasonPhrase());
        response.headers().forEach((n, v) -> {
            if (!n.equalsIgnoreCase("Connection")) {
                b.header(n, v);
            }
        });
        ByteBuffer body = response.body();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return b.header("Connection", "close").body(bytes).build();
    }

    private void reportClose(CloseStatus status) {
        if (closeReported || !opened) {
            return;
        }
        closeReported = true;
        try {
            handler.onClose(facade, status);
        } catch (Exception | Error e) {
            server.metrics.handlerCrashes.increment();
            LOG.log(System.Logger.Level.WARNING, "onClose failed for " + connection, e);
        }
    }

    @Override
    public void onStop(ActorContext<ConnectionEvent> ctx, ExitReason reason) {
        CloseStatus reported = null;
        try {
            if (reason instanceof ExitReason.Crashed crashed) {
                server.metrics.handlerCrashes.increment();
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
            server.actorEnded();
        }
    }
}
