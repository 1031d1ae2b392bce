package dev.sleet.bench.load;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.transport.Transport;

/**
 * The Vert.x 5 peer: {@code --threads} event loops and as many instances of a verticle whose HTTP server answers
 * upgrades and echoes text as text and binary as binary (Vert.x shares the port among the instances).
 */
public final class VertxEchoServer {
    private VertxEchoServer() {
    }

    static final class EchoVerticle extends VerticleBase {
        private final int port;

        EchoVerticle(int port) {
            this.port = port;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setMaxWebSocketFrameSize(16 << 20)
                            .setMaxWebSocketMessageSize(16 << 20))
                    .webSocketHandler(ws -> {
                        ws.textMessageHandler(ws::writeTextMessage);
                        ws.binaryMessageHandler(ws::writeBinaryMessage);
                    })
                    .listen(port, "127.0.0.1");
        }
    }

    /** Vert.x on NIO, or on epoll with {@code --transport epoll} (failing loudly if epoll is not in use). */
    public static Vertx vertx(ServerArgs args) {
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(args.threads());
        Vertx vertx = Vertx.builder().with(options)
                .withTransport(args.epoll() ? Transport.EPOLL : Transport.NIO).build();
        if (args.epoll() != vertx.isNativeTransportEnabled()) {
            throw new IllegalStateException("Vert.x native transport " + vertx.isNativeTransportEnabled()
                    + ", wanted " + args.transport() + ": " + vertx.unavailableNativeTransportCause());
        }
        return vertx;
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv).requirePlain("VertxEchoServer");
        Vertx vertx = vertx(args);
        vertx.deployVerticle(() -> new EchoVerticle(args.port()), new DeploymentOptions().setInstances(args.threads()))
                .await();
        ServerArgs.listening(args.port());
        ServerArgs.park();
    }
}
