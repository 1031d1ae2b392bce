package dev.sleet.deflate;

/**
 * What a client offers for permessage-deflate (RFC 7692 §7.1) and how it compresses. Immutable;
 * {@link #defaults()} then {@code withXxx(...)} copies.
 *
 * <p>The default offer is what browsers send, {@code permessage-deflate; client_max_window_bits}: compression both
 * ways with context takeover, and the server free to limit the client's window. Every window a server may ask of
 * the client is honoured (the compressor splits its input as {@link PerMessageDeflate} describes), and the client's
 * 32 KiB inflater reads any server window.
 *
 * @param compressionLevel        the deflate level, 0–9; default 6
 * @param threshold               messages shorter than this many bytes are sent uncompressed (empty ones always);
 *                                default 64
 * @param clientNoContextTakeover offer {@code client_no_context_takeover}: the client resets its compressor after
 *                                every message (less memory on the server); default false
 * @param serverNoContextTakeover offer {@code server_no_context_takeover}: ask the server to reset its compressor
 *                                after every message (the client then holds an inflater only while a message
 *                                arrives); default false
 * @param clientMaxWindowBits     0 to offer {@code client_max_window_bits} without a value (the server may choose the
 *                                client's window), or 8–15 to announce the largest window the client will use;
 *                                default 0
 * @param serverMaxWindowBits     0 to ask nothing of the server's window, or 8–15 to offer
 *                                {@code server_max_window_bits} with that value; default 0
 */
public record DeflateClientConfig(
        int compressionLevel,
        int threshold,
        boolean clientNoContextTakeover,
        boolean serverNoContextTakeover,
        int clientMaxWindowBits,
        int serverMaxWindowBits) {

    /** Checks every value. */
    public DeflateClientConfig {
        DeflateConfig.checkLevelAndThreshold(compressionLevel, threshold);
        checkWindow(clientMaxWindowBits, "clientMaxWindowBits");
        checkWindow(serverMaxWindowBits, "serverMaxWindowBits");
    }

    /** Level 6, threshold 64 bytes, the browsers' offer: {@code permessage-deflate; client_max_window_bits}. */
    public static DeflateClientConfig defaults() {
        return new DeflateClientConfig(6, 64, false, false, 0, 0);
    }

    public DeflateClientConfig withCompressionLevel(int level) {
        return new DeflateClientConfig(level, threshold, clientNoContextTakeover, serverNoContextTakeover,
                clientMaxWindowBits, serverMaxWindowBits);
    }

    public DeflateClientConfig withThreshold(int bytes) {
        return new DeflateClientConfig(compressionLevel, bytes, clientNoContextTakeover, serverNoContextTakeover,
                clientMaxWindowBits, serverMaxWindowBits);
    }

    public DeflateClientConfig withClientNoContextTakeover(boolean on) {
        return new DeflateClientConfig(compressionLevel, threshold, on, serverNoContextTakeover, clientMaxWindowBits,
                serverMaxWindowBits);
    }

    public DeflateClientConfig withServerNoContextTakeover(boolean on) {
        return new DeflateClientConfig(compressionLevel, threshold, clientNoContextTakeover, on, clientMaxWindowBits,
                serverMaxWindowBits);
    }

    /** @param bits 0 (offer the parameter without a value) or 8–15 */
    public DeflateClientConfig withClientMaxWindowBits(int bits) {
        return new DeflateClientConfig(compressionLevel, threshold, clientNoContextTakeover, serverNoContextTakeover,
                bits, serverMaxWindowBits);
    }

    /** @param bits 0 (ask nothing) or 8–15 */
    public DeflateClientConfig withServerMaxWindowBits(int bits) {
        return new DeflateClientConfig(compressionLevel, threshold, clientNoContextTakeover, serverNoContextTakeover,
                clientMaxWindowBits, bits);
    }

    private static void checkWindow(int bits, String name) {
        if (bits != 0 && (bits < DeflateConfig.MIN_WINDOW_BITS || bits > DeflateConfig.MAX_WINDOW_BITS)) {
            throw new IllegalArgumentException(name + " must be 0 or 8-15: " + bits);
        }
    }
}
