/**
 * Test tools for WebSocket servers: {@link dev.sleet.testkit.RawWebSocket} speaks the protocol byte by byte
 * (so tests can send what a polite client never would), {@link dev.sleet.testkit.RawHttp} sends raw requests,
 * {@link dev.sleet.testkit.ProcessResources} counts threads and file descriptors, and
 * {@link dev.sleet.testkit.RedisServer} runs a real redis-server on a free loopback port. For testing clients:
 * {@link dev.sleet.testkit.ScriptedWsServer} is a server that misbehaves on demand, and
 * {@link dev.sleet.testkit.NodeWsServer} and {@link dev.sleet.testkit.PythonWebsocketsServer} run other people's
 * echo servers ({@link dev.sleet.testkit.InteropEchoServer}).
 */
module dev.sleet.testkit {
    requires transitive dev.sleet.frame;
    requires java.net.http;

    // API
    exports dev.sleet.testkit;
}
