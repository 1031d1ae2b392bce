package dev.sleet.handshake;

import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a successful negotiation: everything the 101 response needs (RFC 6455 §4.2.2 item 5).
 * {@link HandshakeResponses#switchingProtocols(HandshakeResult)} writes it.
 *
 * @param accept               the {@code Sec-WebSocket-Accept} value
 * @param subprotocol          the chosen subprotocol, one the client offered, or empty
 * @param extensions           the accepted extensions, in the order their responses are listed
 * @param offeredSubprotocols  the subprotocols the client offered, in its order
 */
public record HandshakeResult(String accept, Optional<String> subprotocol, List<ExtensionAgreement> extensions,
                              List<String> offeredSubprotocols) {

    /** Copies the lists and checks the chosen subprotocol was offered. */
    public HandshakeResult {
        Objects.requireNonNull(accept, "accept");
        Objects.requireNonNull(subprotocol, "subprotocol");
        extensions = List.copyOf(extensions);
        offeredSubprotocols = List.copyOf(offeredSubprotocols);
        if (subprotocol.isPresent() && !offeredSubprotocols.contains(subprotocol.get())) {
            throw new IllegalArgumentException("the client did not offer subprotocol " + subprotocol.get()
                    + " (RFC 6455 §4.2.2: the server must pick one of the client's values)");
        }
    }

    /**
     * This result with another subprotocol, e.g. one a handler picked; {@code null} for none.
     *
     * @throws IllegalArgumentException when the client did not offer it
     */
    public HandshakeResult withSubprotocol(String name) {
        return new HandshakeResult(accept, Optional.ofNullable(name), extensions, offeredSubprotocols);
    }

    /** The response elements of the accepted extensions, in order. */
    public List<ExtensionOffer> extensionResponses() {
        List<ExtensionOffer> out = new ArrayList<>(extensions.size());
        for (ExtensionAgreement a : extensions) {
            out.add(a.response());
        }
        return out;
    }
}
