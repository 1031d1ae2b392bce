/**
 * Test tools for WebSocket servers: {@link dev.sleet.testkit.RawWebSocket} speaks the protocol byte by byte
 * (so tests can send what a polite client never would), {@link dev.sleet.testkit.RawHttp} sends raw requests,
 * and {@link dev.sleet.testkit.ProcessResources} counts threads and file descriptors.
 */
module dev.sleet.testkit {
    requires transitive dev.sleet.frame;
    requires java.net.http;

    // API
    exports dev.sleet.testkit;
}
