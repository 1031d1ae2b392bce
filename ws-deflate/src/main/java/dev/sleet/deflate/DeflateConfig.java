package dev.sleet.deflate;

/**
 * How a server negotiates and runs permessage-deflate (RFC 7692). Immutable; {@link #defaults()} then
 * {@code withXxx(...)} copies.
 *
 * <p>The defaults follow what clients and peer servers expect: context takeover in both directions unless the
 * client asks otherwise, a 32 KiB window, compression level 6, messages under 64 bytes sent uncompressed.
 * Context takeover costs memory for the connection's whole life (a JDK {@link java.util.zip.Deflater} holds about
 * 260 KiB of native memory, an {@link java.util.zip.Inflater} about 40 KiB); asking for
 * {@code server_no_context_takeover} and {@code client_no_context_takeover} lets connections borrow them from a
 * shared pool for one message at a time instead.
 *
 * @param compressionLevel         the deflate level, 0 (store) to 9 (best); default 6
 * @param threshold                messages shorter than this many bytes are sent uncompressed (empty ones always);
 *                                 default 64
 * @param serverNoContextTakeover  ask for {@code server_no_context_takeover} even when the client did not offer it:
 *                                 the server resets its compressor after every message; default false
 * @param clientNoContextTakeover  ask for {@code client_no_context_takeover}: the client resets its compressor after
 *                                 every message, so the server needs an inflater only while a message arrives;
 *                                 default false
 * @param serverMaxWindowBits      the largest LZ77 window the server compresses with, 8–15 (256 B – 32 KiB); below 15
 *                                 it is sent as {@code server_max_window_bits}; default 15
 * @param clientMaxWindowBits      the window to ask of clients that offer {@code client_max_window_bits}, 8–15; 15
 *                                 (the default) asks nothing beyond what the client offered
 */
public record DeflateConfig(
        int compressionLevel,
        int threshold,
        boolean serverNoContextTakeover,
        boolean clientNoContextTakeover,
        int serverMaxWindowBits,
        int clientMaxWindowBits) {

    /** The smallest window RFC 7692 §7.1.2 allows: 2^8 bytes. */
    public static final int MIN_WINDOW_BITS = 8;
    /** The largest window, and DEFLATE's own: 2^15 bytes. */
    public static final int MAX_WINDOW_BITS = 15;

    /** Checks every value. */
    public DeflateConfig {
        checkLevelAndThreshold(compressionLevel, threshold);
        checkWindow(serverMaxWindowBits, "serverMaxWindowBits");
        checkWindow(clientMaxWindowBits, "clientMaxWindowBits");
    }

    /** Level 6, threshold 64 bytes, context takeover both ways, 32 KiB windows. */
    public static DeflateConfig defaults() {
        return new DeflateConfig(6, 64, false, false, MAX_WINDOW_BITS, MAX_WINDOW_BITS);
    }

    /** Defaults that keep no compression context between messages in either direction (least memory). */
    public static DeflateConfig noContextTakeover() {
        return defaults().withServerNoContextTakeover(true).withClientNoContextTakeover(true);
    }

    /** This configuration with deflate level {@code level}, 0 (store) to 9 (best). */
    public DeflateConfig withCompressionLevel(int level) {
        return new DeflateConfig(level, threshold, serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits, clientMaxWindowBits);
    }

    /** This configuration sending messages shorter than {@code bytes} uncompressed. */
    public DeflateConfig withThreshold(int bytes) {
        return new DeflateConfig(compressionLevel, bytes, serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits, clientMaxWindowBits);
    }

    /** This configuration asking (or not) for {@code server_no_context_takeover}. */
    public DeflateConfig withServerNoContextTakeover(boolean on) {
        return new DeflateConfig(compressionLevel, threshold, on, clientNoContextTakeover, serverMaxWindowBits,
                clientMaxWindowBits);
    }

    /** This configuration asking (or not) for {@code client_no_context_takeover}. */
    public DeflateConfig withClientNoContextTakeover(boolean on) {
        return new DeflateConfig(compressionLevel, threshold, serverNoContextTakeover, on, serverMaxWindowBits,
                clientMaxWindowBits);
    }

    /** This configuration compressing with a window of 2^{@code bits} bytes, 8–15. */
    public DeflateConfig withServerMaxWindowBits(int bits) {
        return new DeflateConfig(compressionLevel, threshold, serverNoContextTakeover, clientNoContextTakeover, bits,
                clientMaxWindowBits);
    }

    /** This configuration asking clients for a window of 2^{@code bits} bytes, 8–15. */
    public DeflateConfig withClientMaxWindowBits(int bits) {
        return new DeflateConfig(compressionLevel, threshold, serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits, bits);
    }

    /** The checks both sides' configurations make of their deflate level and threshold. */
    static void checkLevelAndThreshold(int compressionLevel, int threshold) {
        if (compressionLevel < 0 || compressionLevel > 9) {
            throw new IllegalArgumentException("compressionLevel must be 0-9: " + compressionLevel);
        }
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold must be >= 0: " + threshold);
        }
    }

    private static void checkWindow(int bits, String name) {
        if (bits < MIN_WINDOW_BITS || bits > MAX_WINDOW_BITS) {
            throw new IllegalArgumentException(name + " must be 8-15: " + bits);
        }
    }
}
