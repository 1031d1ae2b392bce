package dev.sleet.client;

import dev.sleet.client.fixtures.SleetWsServer;
import dev.sleet.testkit.InteropEchoServer;

/** {@link ClientInteropTest} against Sleet's own server: the two roles of one connection core, same matrix as the peers. */
class ClientInteropSleetServerTest extends ClientInteropTest {
    @Override
    InteropEchoServer startServer() throws Exception {
        return SleetWsServer.start();
    }
}
