/**
 * The WebSocket opening handshake (RFC 6455 §4): an incremental HTTP/1.1 request parser with limits, upgrade
 * validation, {@code Sec-WebSocket-Accept}, subprotocol and extension negotiation, {@code Origin} checks, and the
 * 101 and error responses. No dependencies.
 */
@SuppressWarnings("module") // the qualified export names dev.sleet.server, which is compiled later
module dev.sleet.handshake {
    // API
    exports dev.sleet.handshake;

    // SPI
    exports dev.sleet.handshake.spi;

    // Internal: the server builds the request views handlers read (ServerRequests); no one else may
    exports dev.sleet.handshake.internal to dev.sleet.server, dev.sleet.client;

    // Services
    uses dev.sleet.handshake.spi.ExtensionProvider;
}
