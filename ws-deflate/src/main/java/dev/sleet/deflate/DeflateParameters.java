package dev.sleet.deflate;

import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The permessage-deflate parameters agreed for one connection (RFC 7692 §7.1), as the server's response states
 * them.
 *
 * @param serverNoContextTakeover the server resets its compressor after every message (§7.1.1.1)
 * @param clientNoContextTakeover the client resets its compressor after every message (§7.1.1.2)
 * @param serverMaxWindowBits     the server's LZ77 window, 8–15, or 0 when the response does not name one (then 15)
 * @param clientMaxWindowBits     the client's LZ77 window, 8–15, or 0 when the response does not name one (then 15)
 */
public record DeflateParameters(
        boolean serverNoContextTakeover,
        boolean clientNoContextTakeover,
        int serverMaxWindowBits,
        int clientMaxWindowBits) {

    /** The extension's registered name. */
    public static final String NAME = "permessage-deflate";
    /** §7.1.1.1 */
    public static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    /** §7.1.1.2 */
    public static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    /** §7.1.2.1 */
    public static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    /** §7.1.2.2 */
    public static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** Checks the window values. */
    public DeflateParameters {
        check(serverMaxWindowBits, SERVER_MAX_WINDOW_BITS);
        check(clientMaxWindowBits, CLIENT_MAX_WINDOW_BITS);
    }

    /** The server's window in bits: {@link #serverMaxWindowBits()}, or 15 when not named. */
    public int serverWindowBits() {
        return serverMaxWindowBits == 0 ? DeflateConfig.MAX_WINDOW_BITS : serverMaxWindowBits;
    }

    /** The client's window in bits: {@link #clientMaxWindowBits()}, or 15 when not named. */
    public int clientWindowBits() {
        return clientMaxWindowBits == 0 ? DeflateConfig.MAX_WINDOW_BITS : clientMaxWindowBits;
    }

    /** The response element: {@code permessage-deflate} and the parameters in the order of RFC 7692 §7.1. */
    public ExtensionOffer toResponse() {
        List<ExtensionParameter> ps = new ArrayList<>(4);
        if (serverNoContextTakeover) {
            ps.add(ExtensionParameter.of(SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (clientNoContextTakeover) {
            ps.add(ExtensionParameter.of(CLIENT_NO_CONTEXT_TAKEOVER));
        }
        if (serverMaxWindowBits != 0) {
            ps.add(ExtensionParameter.of(SERVER_MAX_WINDOW_BITS, Integer.toString(serverMaxWindowBits)));
        }
        if (clientMaxWindowBits != 0) {
            ps.add(ExtensionParameter.of(CLIENT_MAX_WINDOW_BITS, Integer.toString(clientMaxWindowBits)));
        }
        return new ExtensionOffer(NAME, ps);
    }

    private static void check(int bits, String name) {
        if (bits != 0 && (bits < DeflateConfig.MIN_WINDOW_BITS || bits > DeflateConfig.MAX_WINDOW_BITS)) {
            throw new IllegalArgumentException(name + " must be 8-15 or 0 (absent): " + bits);
        }
    }
}
