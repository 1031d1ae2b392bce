package dev.sleet.examples.guide;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.metrics.micrometer.SleetMetrics;
import dev.sleet.rooms.Rooms;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.ServerMetrics;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

final class Proxy {
    private static final System.Logger log = System.getLogger("app");

    private Proxy() {
    }

    static WebSocketServer start() throws Exception {
        // guide:proxy
        WebSocketServer server = WebSocketServer.builder()
                .port(8080)
                .proxyProtocol(true)                  // a TCP balancer in front sends a PROXY header
                .trustedProxies("10.0.0.0/8")         // HTTP proxies on the private network may forward
                .handler(new WebSocketHandler() {
                    @Override public ConnectDecision onConnect(UpgradeRequest r) {
                        log.log(System.Logger.Level.INFO, "client " + r.remoteAddress() + " via " + r.peerAddress()
                                + ", TLS at the edge: " + r.secure());
                        return ConnectDecision.accept();
                    }

                    @Override public void onMessage(Connection c, Message m) {
                    }
                })
                .start();
        // end:proxy
        return server;
    }
}

final class Metrics {
    private Metrics() {
    }

    // guide:metrics-counters
    static String summary(WebSocketServer server) {
        ServerMetrics m = server.metrics();               // a snapshot: totals since start, current values
        return m.openConnections() + " open, " + m.messagesIn() + " in, " + m.messagesOut() + " out, "
                + m.slowConsumerCloses() + " slow consumers closed";
    }
    // end:metrics-counters

    // guide:metrics-micrometer
    static PrometheusMeterRegistry prometheus(WebSocketServer server, Rooms rooms) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Tags tags = Tags.of("server", "chat");
        SleetMetrics.bind(registry, server, tags);      // the server's counters and its listeners
        SleetMetrics.bind(registry, rooms, tags);       // rooms, and their backplane if any
        SleetMetrics.bindDeflate(registry, tags);       // permessage-deflate (process-wide: bind once)
        return registry;                                // registry.scrape() is the text for /metrics
    }
    // end:metrics-micrometer
}

final class Shutdown {
    private Shutdown() {
    }

    // guide:shutdown
    static Thread stopOnSigterm(WebSocketServer server) {
        Thread hook = new Thread(() -> {
            // stop accepting, 1001 "going away" to every connection, wait for their close handshakes
            boolean clean = server.shutdown(Duration.ofSeconds(10));
            System.getLogger("app").log(System.Logger.Level.INFO,
                    clean ? "every connection closed" : "connections still open after 10 s were dropped");
        }, "sleet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);       // SIGTERM (docker stop, kubectl delete), Ctrl-C
        return hook;
    }
    // end:shutdown

    static final class Admin implements WebSocketHandler {
        volatile WebSocketServer server; // set once it started

        // guide:shutdown-async
        @Override public void onMessage(Connection c, Message m) {
            if (m instanceof Message.Text t && t.text().equals("shutdown")) {
                // from a handler, shutdown() cannot wait for itself: shutdownAsync() returns at once
                server.shutdownAsync(Duration.ofSeconds(10))
                        .thenAccept(clean -> System.getLogger("app").log(System.Logger.Level.INFO, "stopped"));
            }
        }
        // end:shutdown-async
    }
}
