package dev.sleet.handshake.spi;

import dev.sleet.handshake.internal.HttpChars;

import java.util.Objects;

/**
 * One parameter of an extension offer or response (RFC 6455 §9.1: {@code extension-param = token [ "=" (token |
 * quoted-string) ]}), e.g. {@code client_max_window_bits=10} or {@code server_no_context_takeover}. A value sent as
 * a quoted string is held unquoted; RFC 6455 §9.1 requires it to be a token after unquoting.
 *
 * @param name  the parameter name, a token
 * @param value the value, a token, or {@code null} when the parameter has none
 */
public record ExtensionParameter(String name, String value) {

    /** Checks the name and the value are tokens. */
    public ExtensionParameter {
        Objects.requireNonNull(name, "name");
        if (!HttpChars.isToken(name)) {
            throw new IllegalArgumentException("extension parameter name is not a token: \"" + name + "\"");
        }
        if (value != null && !HttpChars.isToken(value)) {
            throw new IllegalArgumentException("extension parameter value is not a token: \"" + value + "\"");
        }
    }

    /** A parameter without a value. */
    public static ExtensionParameter of(String name) {
        return new ExtensionParameter(name, null);
    }

    /** A parameter with a value. */
    public static ExtensionParameter of(String name, String value) {
        return new ExtensionParameter(name, Objects.requireNonNull(value, "value"));
    }

    /** True when the parameter carries a value. */
    public boolean hasValue() {
        return value != null;
    }

    /** The wire form: {@code name} or {@code name=value}. */
    public String format() {
        return value == null ? name : name + "=" + value;
    }
}
