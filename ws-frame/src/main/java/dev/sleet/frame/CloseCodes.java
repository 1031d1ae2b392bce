package dev.sleet.frame;

/**
 * Close status codes (RFC 6455 §7.4 and the IANA "WebSocket Close Code Number Registry", §11.7) and the rules
 * for which of them may appear in a close frame.
 *
 * <ul>
 *   <li>0–999 are never used; 1000–2999 belong to the RFC and IANA; 3000–3999 are registered by libraries and
 *       frameworks; 4000–4999 are private. Everything from 5000 up is undefined.</li>
 *   <li>1004 is reserved, and 1005 ({@link #NO_STATUS}), 1006 ({@link #ABNORMAL}) and 1015 ({@link #TLS}) exist
 *       only to report a condition locally: they never travel in a close frame.</li>
 *   <li>1016–2999 are unassigned and therefore invalid on the wire.</li>
 * </ul>
 *
 * <p>The receive side ({@link #isValidOnWire(int)}) accepts every code that may appear on the wire, whoever
 * sent it. The send side ({@link #isSendable(int, Role)}) also applies the registry's "sent by" notes: 1010 is a
 * client's complaint about a server's extensions, and 1012–1014 are a server's report about itself.
 */
public final class CloseCodes {
    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: the endpoint is going away (server shutdown, page navigation). */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: the endpoint cannot accept this type of data (e.g. binary to a text-only endpoint). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: local only — a close frame arrived without a status code. */
    public static final int NO_STATUS = 1005;
    /** 1006: local only — the connection closed without a close frame. */
    public static final int ABNORMAL = 1006;
    /** 1007: message data inconsistent with its type (bad UTF-8 in a text message). */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: a message violates the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a message is too big to process. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: sent by a client: the server did not negotiate an extension the client requires. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: an unexpected condition prevented the endpoint from fulfilling the request. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1012: sent by a server: it is restarting. */
    public static final int SERVICE_RESTART = 1012;
    /** 1013: sent by a server: temporary overload, try again later. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** 1014: sent by a server acting as a gateway: bad response from upstream. */
    public static final int BAD_GATEWAY = 1014;
    /** 1015: local only — the TLS handshake failed. */
    public static final int TLS = 1015;

    private CloseCodes() {
    }

    /**
     * Whether {@code code} may appear in a received close frame: 1000–1003, 1007–1014 or 3000–4999.
     * A close frame carrying any other code is a protocol error (1002).
     */
    public static boolean isValidOnWire(int code) {
        if (code >= 3000) {
            return code <= 4999;
        }
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
    }

    /**
     * Whether an endpoint playing {@code sender} may put {@code code} in a close frame it sends: a code valid on
     * the wire, except 1010 from a server and 1012–1014 from a client.
     */
    public static boolean isSendable(int code, Role sender) {
        if (!isValidOnWire(code)) {
            return false;
        }
        return switch (sender) {
            case SERVER -> code != MANDATORY_EXTENSION;
            case CLIENT -> code < SERVICE_RESTART || code > BAD_GATEWAY;
        };
    }

    /** A short name for a registered code ({@code "NORMAL"}, …), {@code "PRIVATE"}, {@code "LIBRARY"} or {@code "UNKNOWN"}. */
    public static String name(int code) {
        return switch (code) {
            case NORMAL -> "NORMAL";
            case GOING_AWAY -> "GOING_AWAY";
            case PROTOCOL_ERROR -> "PROTOCOL_ERROR";
            case UNSUPPORTED_DATA -> "UNSUPPORTED_DATA";
            case NO_STATUS -> "NO_STATUS";
            case ABNORMAL -> "ABNORMAL";
            case INVALID_PAYLOAD -> "INVALID_PAYLOAD";
            case POLICY_VIOLATION -> "POLICY_VIOLATION";
            case MESSAGE_TOO_BIG -> "MESSAGE_TOO_BIG";
            case MANDATORY_EXTENSION -> "MANDATORY_EXTENSION";
            case INTERNAL_ERROR -> "INTERNAL_ERROR";
            case SERVICE_RESTART -> "SERVICE_RESTART";
            case TRY_AGAIN_LATER -> "TRY_AGAIN_LATER";
            case BAD_GATEWAY -> "BAD_GATEWAY";
            case TLS -> "TLS";
            default -> code >= 4000 && code <= 4999 ? "PRIVATE" : code >= 3000 && code <= 3999 ? "LIBRARY" : "UNKNOWN";
        };
    }
}
