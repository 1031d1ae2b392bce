package dev.sleet.handshake;

import dev.sleet.handshake.spi.ExtensionAgreement;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated 101 response (RFC 6455 §4.1): what the connection runs with.
 *
 * @param subprotocol the subprotocol the server chose among the client's offers, or empty
 * @param extensions  the extensions in use, in the order the server listed them, each as its provider agreed it
 * @param response    the 101 response head (its other fields, e.g. {@code Set-Cookie}, are there)
 */
public record ClientHandshakeResult(Optional<String> subprotocol, List<ExtensionAgreement> extensions,
                                   HttpResponseHead response) {

    /** Copies the list. */
    public ClientHandshakeResult {
        Objects.requireNonNull(subprotocol, "subprotocol");
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(response, "response");
    }
}
