package dev.sleet.server.internal;

import dev.sleet.actor.ActorContext;
import dev.sleet.actor.ActorRef;
import dev.sleet.core.internal.ConnectionActor;
import dev.sleet.core.internal.ConnectionEvent;
import dev.sleet.core.internal.ConnectionHost;
import dev.sleet.core.internal.Extensions;
import dev.sleet.handshake.HandshakeResponses;
import dev.sleet.handshake.HandshakeResult;
import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.server.ConnectDecision;
import dev.sleet.server.HttpHandler;
import dev.sleet.server.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A server connection's actor: the shared {@link ConnectionActor} plus what only a server does before the connection
 * opens, the upgrade decision ({@code onConnect}/{@code onConnectAsync}) and the answer to a plain HTTP request.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code decided}</td><td>the actor</td><td>the actor</td><td>confined (one callback at a time)</td></tr>
 * </table>
 */
final class ServerConnectionActor extends ConnectionActor {
    /** A valid upgrade request awaits the handler's decision. */
    record Upgrade(UpgradeRequest request, HandshakeResult result) implements ConnectionEvent.Other {
    }

    /**
     * {@code onConnectAsync}'s stage completed (on any thread) with {@code decision} or {@code failure}; handled in
     * the actor, like every decision.
     */
    record Decided(Upgrade upgrade, ConnectDecision decision, Throwable failure) implements ConnectionEvent.Other {
    }

    /** A plain HTTP request for the plain-HTTP handler; {@code keepAlive} when the connection may persist after it. */
    record PlainRequest(HttpServerRequest request, HttpHandler handler, boolean keepAlive)
            implements ConnectionEvent.Other {
    }

    private final ServerWsConnection server;
    private final WebSocketHandler wsHandler;
    /** The upgrade decision was applied (at most once). */
    private boolean decided;

    /**
     * @param handler the route's (or the catch-all) WebSocket handler; null for a plain HTTP request
     * @param first the upgrade or plain request, handled as the first event when the actor starts
     */
    ServerConnectionActor(ServerWsConnection connection, ConnectionHost host, WebSocketHandler handler,
            ConnectionEvent.Other first) {
        super(connection, host, handler, first);
        this.server = connection;
        this.wsHandler = handler;
    }

    @Override
    protected void handleOther(ActorContext<ConnectionEvent> ctx, ConnectionEvent.Other event) throws Exception {
        switch (event) {
            case Upgrade u -> decide(ctx, u);
            case Decided d -> decided(ctx, d);
            case PlainRequest p -> answer(ctx, p);
            default -> throw new IllegalStateException("unexpected event " + event);
        }
    }

    private void decide(ActorContext<ConnectionEvent> ctx, Upgrade u) throws Exception {
        CompletionStage<ConnectDecision> stage;
        try {
            stage = wsHandler.onConnectAsync(u.request());
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
            stage.whenComplete((decision, failure) -> self.tell(new Decided(u, decision, failure)));
        } catch (Exception | Error e) {
            decisionFailed(ctx, e);
        }
    }

    private void decided(ActorContext<ConnectionEvent> ctx, Decided d) throws Exception {
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
        host.counters().handlerCrashes.increment();
        LOG.log(System.Logger.Level.WARNING, "onConnect failed for " + connection + "; answering 500", e);
        server.rejectUpgrade(500, "the server failed to handle the upgrade", HttpHeaders.empty());
        ctx.stop();
    }

    private void apply(ActorContext<ConnectionEvent> ctx, Upgrade u, ConnectDecision decision)
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
                server.rejectUpgrade(r.status(), r.reason(), r.headers());
                ctx.stop();
            }
            case ConnectDecision.Accept a -> {
                String sub = a.subprotocol() != null ? a.subprotocol() : u.result().subprotocol().orElse(null);
                if (a.subprotocol() != null && !u.request().requestedSubprotocols().contains(a.subprotocol())) {
                    LOG.log(System.Logger.Level.WARNING, "handler chose subprotocol {0}, which the client did not"
                            + " offer; answering 500", a.subprotocol());
                    server.rejectUpgrade(500, "the server chose a subprotocol the client did not offer",
                            HttpHeaders.empty());
                    ctx.stop();
                    return;
                }
                ByteBuffer response = HandshakeResponses.switchingProtocols(u.result().withSubprotocol(sub),
                        a.headers());
                open(ctx, response, Extensions.of(u.result()), sub, a.state());
            }
        }
    }

    private void answer(ActorContext<ConnectionEvent> ctx, PlainRequest p) {
        HttpResponse response;
        try {
            response = p.handler().handle(p.request());
            if (response == null) {
                response = HttpResponse.text(404, "not found");
            }
        } catch (Exception | Error e) {
            host.counters().handlerCrashes.increment();
            LOG.log(System.Logger.Level.WARNING, "HTTP handler failed for " + connection, e);
            response = HttpResponse.text(500, "the server failed to handle the request");
        }
        boolean persist = p.keepAlive() && !response.headers().containsToken("Connection", "close")
                && response.status() >= 200;
        if (!persist && !response.headers().containsToken("Connection", "close")) {
            response = withClose(response);
        }
        server.respond(response, persist);
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
}
