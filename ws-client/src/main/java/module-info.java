/**
 * Sleet's WebSocket client: {@code WebSocketClient.builder().build().connect(uri, handler)}, on the connection core
 * the server runs on ({@code dev.sleet.core}): one actor per connection, sends that never block, the same caps.
 * A client-only application needs no {@code dev.sleet.server}.
 */
module dev.sleet.client {
    requires transitive dev.sleet.core;

    // API
    exports dev.sleet.client;

    // Services: TLS engines for wss:// (jdk-tls built in; ws-tls-conscrypt adds conscrypt)
    uses dev.sleet.core.spi.ClientTlsProvider;
    provides dev.sleet.core.spi.ClientTlsProvider with dev.sleet.client.internal.JdkClientTlsProvider;
}
