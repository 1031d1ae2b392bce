package dev.sleet.handshake.spi;

/**
 * What an {@link ExtensionProvider} accepted for one connection (RFC 6455 §9.1). The handshake only needs the
 * response element to send back; an implementation also carries whatever the framing layer needs (the
 * permessage-deflate agreement also implements {@code dev.sleet.frame.spi.FrameExtension}, which the server looks
 * for with {@code instanceof}).
 */
public interface ExtensionAgreement {

    /** The element to put in the response's {@code Sec-WebSocket-Extensions}; its name is the provider's. */
    ExtensionOffer response();
}
