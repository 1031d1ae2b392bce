package dev.sleet.frame.internal;

import java.security.SecureRandom;
import java.util.function.IntSupplier;

/**
 * The default source of masking keys for the client role. RFC 6455 §5.3 asks for keys an intermediary cannot
 * predict, drawn from a strong source of entropy: one shared {@link SecureRandom}, which is thread-safe.
 */
public final class MaskKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Draws each key from a shared {@link SecureRandom}. */
    public static final IntSupplier SECURE = RANDOM::nextInt;

    private MaskKeys() {
    }
}
