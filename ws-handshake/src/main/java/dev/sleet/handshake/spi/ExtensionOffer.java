package dev.sleet.handshake.spi;

import dev.sleet.handshake.HandshakeException;
import dev.sleet.handshake.internal.ExtensionHeaderParser;
import dev.sleet.handshake.internal.HttpChars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One element of a {@code Sec-WebSocket-Extensions} field (RFC 6455 §9.1): an extension name and its parameters,
 * in the order sent. The same type describes a client's offer and the server's response.
 *
 * <pre>
 * Sec-WebSocket-Extensions = extension-list
 * extension-list = 1#extension
 * extension      = extension-token *( ";" extension-param )
 * extension-param = token [ "=" (token | quoted-string) ]
 * </pre>
 *
 * <p>Parameters are kept as sent, duplicates included, so a provider can decline an offer that repeats one
 * (RFC 7692 §7 requires that).
 *
 * @param name       the extension name, a token
 * @param parameters the parameters, in order
 */
public record ExtensionOffer(String name, List<ExtensionParameter> parameters) {

    /** Checks the name is a token and copies the parameters. */
    public ExtensionOffer {
        Objects.requireNonNull(name, "name");
        if (!HttpChars.isToken(name)) {
            throw new IllegalArgumentException("extension name is not a token: \"" + name + "\"");
        }
        parameters = List.copyOf(parameters);
    }

    /** An offer or response with the given parameters. */
    public static ExtensionOffer of(String name, ExtensionParameter... parameters) {
        return new ExtensionOffer(name, Arrays.asList(parameters));
    }

    /** The first parameter named {@code name} (any case), if any. */
    public Optional<ExtensionParameter> parameter(String name) {
        for (ExtensionParameter p : parameters) {
            if (p.name().equalsIgnoreCase(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The wire form: {@code name; param; param=value}. */
    public String format() {
        if (parameters.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name);
        for (ExtensionParameter p : parameters) {
            sb.append("; ").append(p.format());
        }
        return sb.toString();
    }

    /**
     * Parses one {@code Sec-WebSocket-Extensions} field value into its elements, in order. Empty list elements
     * are skipped (RFC 9110 §5.6.1.2).
     *
     * @throws HandshakeException with status 400 when the value breaks the RFC 6455 §9.1 grammar
     */
    public static List<ExtensionOffer> parseHeader(String value) {
        List<ExtensionOffer> out = new ArrayList<>(2);
        ExtensionHeaderParser.parse(value, out);
        return List.copyOf(out);
    }

    /**
     * Parses every {@code Sec-WebSocket-Extensions} field value of a request, in order, into one list.
     *
     * @throws HandshakeException with status 400 when a value breaks the RFC 6455 §9.1 grammar
     */
    public static List<ExtensionOffer> parseHeader(List<String> values) {
        List<ExtensionOffer> out = new ArrayList<>(2);
        for (String v : values) {
            ExtensionHeaderParser.parse(v, out);
        }
        return List.copyOf(out);
    }

    /** The field value for a list of elements: {@code a; x=1, b}. */
    public static String formatHeader(List<ExtensionOffer> offers) {
        StringBuilder sb = new StringBuilder();
        for (ExtensionOffer o : offers) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(o.format());
        }
        return sb.toString();
    }
}
