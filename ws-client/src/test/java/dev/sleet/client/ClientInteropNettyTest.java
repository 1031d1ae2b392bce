package dev.sleet.client;

import dev.sleet.client.fixtures.NettyWsServer;
import dev.sleet.testkit.InteropEchoServer;

/** {@link ClientInteropTest} against Netty's WebSocket server, in this JVM. */
class ClientInteropNettyTest extends ClientInteropTest {
    @Override
    InteropEchoServer startServer() throws Exception {
        return NettyWsServer.start();
    }
}
