package dev.sleet.handshake.spi;

import java.util.List;

/**
 * The client half of a WebSocket extension (RFC 6455 §9.1): what a client offers in its request's
 * {@code Sec-WebSocket-Extensions}, and the check of the server's answer. The server half is
 * {@link ExtensionProvider}; an extension module usually implements both (permessage-deflate:
 * {@code dev.sleet.deflate.PerMessageDeflateClient}).
 *
 * <p>Per handshake, {@link #offers()} is called once when the request is written, and {@link #accept} at most once
 * with the response element of this extension's {@link #name()}, when the server accepted it. An extension the
 * server left out is simply not in use; that is not a failure.
 *
 * <p>Implementations are immutable and thread-safe: one provider serves every connection of a client.
 */
public interface ClientExtensionProvider {

    /** The extension name, a token, e.g. {@code permessage-deflate}. Compared without case. */
    String name();

    /**
     * The offers to send, most preferred first (RFC 6455 §9.1 lets a client offer one extension several times);
     * never empty, each named {@link #name()}.
     */
    List<ExtensionOffer> offers();

    /**
     * Checks the server's response element against the offers and the extension's rules, and returns what was
     * agreed (for the frame layer, an agreement that also implements {@code dev.sleet.frame.spi.FrameExtension}).
     *
     * @param response the element of the response's {@code Sec-WebSocket-Extensions} named {@link #name()}
     * @throws ExtensionResponseException when the response breaks a rule; the client must then fail the connection
     */
    ExtensionAgreement accept(ExtensionOffer response) throws ExtensionResponseException;
}
