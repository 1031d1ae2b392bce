package dev.sleet.bench.fanout;

import dev.sleet.bench.load.ServerArgs;
import dev.sleet.bench.load.VertxEchoServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Vert.x 5 fan-out peer: members are kept in a concurrent set; a text message from the publisher
 * ({@code /pub}) is written to each member with {@code writeTextMessage} (Vert.x has no shared-bytes broadcast;
 * a write to a member on another event loop is handed to that loop by Vert.x).
 */
public final class VertxFanoutServer {
    private VertxFanoutServer() {
    }

    static final class FanoutVerticle extends VerticleBase {
        private final int port;
        private final Set<ServerWebSocket> members;

        FanoutVerticle(int port, Set<ServerWebSocket> members) {
            this.port = port;
            this.members = members;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                    .webSocketHandler(ws -> {
                        if (FanoutPaths.isPublisher(ws.path())) {
                            ws.textMessageHandler(text -> {
                                for (ServerWebSocket m : members) {
                                    m.writeTextMessage(text);
                                }
                            });
                        } else {
                            members.add(ws);
                            ws.closeHandler(v -> members.remove(ws));
                        }
                    })
                    .listen(port, "127.0.0.1");
        }
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv).requirePlain("VertxFanoutServer");
        Set<ServerWebSocket> members = ConcurrentHashMap.newKeySet();
        Vertx vertx = VertxEchoServer.vertx(args);
        vertx.deployVerticle(() -> new FanoutVerticle(args.port(), members),
                new DeploymentOptions().setInstances(args.threads())).await();
        ServerArgs.listening(args.port());
        ServerArgs.park();
    }
}
