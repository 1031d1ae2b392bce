package dev.sleet.handshake.spi;

import java.util.List;
import java.util.Optional;

/**
 * A WebSocket extension the server can agree to (RFC 6455 §9), found with {@link java.util.ServiceLoader} or
 * handed to {@code HandshakeConfig} directly.
 *
 * <p>During a handshake, the negotiator calls {@link #negotiate} once with every offer the client made of this
 * extension's {@link #name()}, in the client's order (a client may offer the same extension several times with
 * different parameters, most preferred first). The provider answers with the agreement for the offer it accepts,
 * or empty to decline them all. A provider that finds an offer malformed may throw
 * {@link dev.sleet.handshake.HandshakeException} (400) to refuse the handshake; RFC 7692 §5 lets a server decline
 * instead, which is usually the better answer.
 */
public interface ExtensionProvider {

    /** The extension name it negotiates, a token, e.g. {@code permessage-deflate}. Compared without case. */
    String name();

    /**
     * True when the extension can be used in this process. Computed once and cached by the implementation; it
     * must not throw (catch {@link Throwable}, since a native library may fail to link).
     */
    boolean isAvailable();

    /**
     * Chooses among the client's offers of this extension.
     *
     * @param offers every offer named {@link #name()}, in the client's order; never empty
     * @return the agreement for the accepted offer, or empty to decline
     */
    Optional<ExtensionAgreement> negotiate(List<ExtensionOffer> offers);
}
