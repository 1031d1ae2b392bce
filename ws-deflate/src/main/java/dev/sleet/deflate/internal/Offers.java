package dev.sleet.deflate.internal;

import dev.sleet.deflate.DeflateConfig;
import dev.sleet.deflate.DeflateParameters;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;
import java.util.Locale;

/**
 * Reads one permessage-deflate offer and decides the server's answer (RFC 7692 §5, §7.1).
 *
 * <p>An offer is declined (null) when it has a parameter RFC 7692 does not define for offers, a parameter twice, a
 * value where none is allowed, a missing or malformed window size (a decimal 8–15 without leading zeros, §7.1.2),
 * or a value on a no-context-takeover parameter (§5: "the server MUST decline"). Parameter names are compared
 * without case. Otherwise the answer states exactly what both sides will do:
 *
 * <ul>
 *   <li>{@code server_no_context_takeover} when the client offered it or the server's config asks for it
 *       (§7.1.1.1);</li>
 *   <li>{@code client_no_context_takeover} when the client offered it (the client announced it will reset; saying
 *       so lets the server release its inflater between messages) or the config asks for it (§7.1.1.2);</li>
 *   <li>{@code server_max_window_bits} = the smaller of the client's limit and the config's, when either is below
 *       15 or the client named one (§7.1.2.1: "the same or smaller value");</li>
 *   <li>{@code client_max_window_bits} only when the client offered it (§7.1.2.2: "the server MUST NOT include" it
 *       otherwise): the smaller of the client's value and the config's, or the config's when the client gave no
 *       value and the config asks for less than 15.</li>
 * </ul>
 */
public final class Offers {
    private Offers() {
    }

    /** The parameters to agree for {@code offer} under {@code config}, or null to decline it. */
    public static DeflateParameters accept(ExtensionOffer offer, DeflateConfig config) {
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = 0;
        int clientBits = 0;
        boolean clientBitsOffered = false;
        int seen = 0;
        for (ExtensionParameter p : offer.parameters()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            int bit;
            switch (name) {
                case DeflateParameters.SERVER_NO_CONTEXT_TAKEOVER -> {
                    bit = 1;
                    if (p.hasValue()) {
                        return null;
                    }
                    serverNoContext = true;
                }
                case DeflateParameters.CLIENT_NO_CONTEXT_TAKEOVER -> {
                    bit = 2;
                    if (p.hasValue()) {
                        return null;
                    }
                    clientNoContext = true;
                }
                case DeflateParameters.SERVER_MAX_WINDOW_BITS -> {
                    bit = 4;
                    serverBits = windowBits(p.value());
                    if (serverBits < 0) {
                        return null;
                    }
                }
                case DeflateParameters.CLIENT_MAX_WINDOW_BITS -> {
                    bit = 8;
                    clientBitsOffered = true;
                    if (p.hasValue()) {
                        clientBits = windowBits(p.value());
                        if (clientBits < 0) {
                            return null;
                        }
                    }
                }
                default -> {
                    return null; // unknown parameter (§5)
                }
            }
            if ((seen & bit) != 0) {
                return null; // the same parameter twice (§5)
            }
            seen |= bit;
        }
        boolean serverReset = serverNoContext || config.serverNoContextTakeover();
        boolean clientReset = clientNoContext || config.clientNoContextTakeover();
        int serverWindow = Math.min(serverBits == 0 ? 15 : serverBits, config.serverMaxWindowBits());
        int serverAnswer = serverBits != 0 || serverWindow < 15 ? serverWindow : 0;
        int clientAnswer = 0;
        if (clientBitsOffered) {
            int wanted = Math.min(clientBits == 0 ? 15 : clientBits, config.clientMaxWindowBits());
            clientAnswer = clientBits != 0 || wanted < 15 ? wanted : 0;
        }
        return new DeflateParameters(serverReset, clientReset, serverAnswer, clientAnswer);
    }

    /** 8–15 written without leading zeros (RFC 7692 §7.1.2.1), else -1; a missing value is -1 too. */
    static int windowBits(String value) {
        if (value == null) {
            return -1;
        }
        return switch (value) {
            case "8" -> 8;
            case "9" -> 9;
            case "10" -> 10;
            case "11" -> 11;
            case "12" -> 12;
            case "13" -> 13;
            case "14" -> 14;
            case "15" -> 15;
            default -> -1;
        };
    }
}
