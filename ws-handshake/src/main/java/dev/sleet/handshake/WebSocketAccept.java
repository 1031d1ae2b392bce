package dev.sleet.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The {@code Sec-WebSocket-Accept} value (RFC 6455 §4.2.2 item 5.4): the Base64 of the SHA-1 of the client's
 * {@code Sec-WebSocket-Key} followed by the GUID {@code 258EAFA5-E914-47DA-95CA-C5AB0DC85B11}.
 *
 * <p>RFC 6455 §1.3's example: key {@code dGhlIHNhbXBsZSBub25jZQ==} gives {@code s3pPLMBiTxaQ9kYGzzhZRbK+xOo=}.
 */
public final class WebSocketAccept {

    /** The GUID RFC 6455 §1.3 appends to the key. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static final byte[] GUID_BYTES = GUID.getBytes(StandardCharsets.US_ASCII);
    private static final MessageDigest PROTOTYPE = sha1();
    private static final boolean CLONEABLE = isCloneable();

    private WebSocketAccept() {
    }

    /**
     * The accept value for {@code key}, the {@code Sec-WebSocket-Key} value as received (trimmed).
     * Does not check the key; see {@link #isValidKey}.
     */
    public static String compute(String key) {
        Objects.requireNonNull(key, "key");
        MessageDigest sha1 = newDigest();
        byte[] k = new byte[key.length()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) key.charAt(i);
        }
        sha1.update(k);
        sha1.update(GUID_BYTES);
        return Base64.getEncoder().encodeToString(sha1.digest());
    }

    /**
     * True when {@code key} is a valid {@code Sec-WebSocket-Key}: Base64 (with padding) of exactly 16 bytes
     * (RFC 6455 §4.1 item 7, §4.2.1 item 5), so 22 alphabet characters and {@code ==}.
     */
    public static boolean isValidKey(String key) {
        if (key == null || key.length() != 24 || key.charAt(22) != '=' || key.charAt(23) != '=') {
            return false;
        }
        for (int i = 0; i < 22; i++) {
            char c = key.charAt(i);
            boolean alphabet = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '+' || c == '/';
            if (!alphabet) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest newDigest() {
        if (CLONEABLE) {
            try {
                return (MessageDigest) PROTOTYPE.clone();
            } catch (CloneNotSupportedException e) {
                // checked once in isCloneable(); fall through to a fresh instance
            }
        }
        return sha1();
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }

    private static boolean isCloneable() {
        try {
            PROTOTYPE.clone();
            return true;
        } catch (CloneNotSupportedException e) {
            return false;
        }
    }
}
