package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.testkit.RawHttp;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A plain HTTP request reaches its {@link HttpHandler} as an {@link HttpServerRequest} that is not an
 * {@link UpgradeRequest}, with route parameters, query, cookies, headers and addresses; the WebSocket-only
 * {@code Sec-WebSocket-Protocol} field is not read for it (malformed there, it does not turn the request away),
 * while an upgrade on the same route is an {@code UpgradeRequest}.
 */
@ExtendWith(HandlerThreads.class)
class PlainHttpRequestViewTest {
    static final Duration T = Duration.ofSeconds(20);

    @Test
    void thePlainHandlerGetsAPlainViewAndTheUpgradeAnUpgradeView() throws Exception {
        BlockingQueue<HttpServerRequest> plain = new ArrayBlockingQueue<>(4);
        BlockingQueue<UpgradeRequest> upgrades = new ArrayBlockingQueue<>(4);
        HttpHandler page = request -> {
            plain.add(request);
            return HttpResponse.text(200, "page " + request.pathParam("room").orElse("-") + " "
                    + request.queryParam("q").orElse("-") + " " + request.cookie("sid").orElse("-"));
        };
        WebSocketHandler ws = new WebSocketHandler() {
            @Override
            public ConnectDecision onConnect(UpgradeRequest request) {
                upgrades.add(request);
                return ConnectDecision.reject(403, "seen");
            }

            @Override
            public void onMessage(Connection connection, Message message) {
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route(Route.of("/rooms/{room}", ws, page)).start()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET /rooms/lobby?q=a+b HTTP/1.1\r\nHost: x\r\n"
                    + "Cookie: sid=s1\r\nSec-WebSocket-Protocol: not/a/token\r\nConnection: close\r\n\r\n", T);
            assertEquals(200, r.status());
            assertEquals("page lobby a b s1", r.body());
            HttpServerRequest seen = plain.poll(10, TimeUnit.SECONDS);
            assertEquals(HttpServerRequest.class, seen.getClass(), "a plain request is no upgrade");
            assertEquals("GET", seen.method());
            assertEquals("/rooms/lobby", seen.path());
            assertEquals("127.0.0.1", seen.remoteAddress().getAddress().getHostAddress());
            assertEquals(server.port(), seen.localAddress().getPort());

            RawHttp.Response u = RawHttp.exchange(server.port(), DecisionTimeoutTest.UPGRADE
                    .replace("GET / ", "GET /rooms/hall ")
                    .replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat, v2\r\n\r\n"), T);
            assertEquals(403, u.status());
            UpgradeRequest up = upgrades.poll(10, TimeUnit.SECONDS);
            assertEquals(java.util.List.of("chat", "v2"), up.requestedSubprotocols());
            assertEquals("hall", up.pathParam("room").orElseThrow());
        }
    }
}
