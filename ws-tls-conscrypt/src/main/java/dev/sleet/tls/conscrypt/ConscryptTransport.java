package dev.sleet.tls.conscrypt;

import dev.sleet.tls.conscrypt.internal.ConscryptRuntime;

/**
 * What this module adds to a Sleet server: a TLS transport named {@value #NAME} on Conscrypt's {@code SSLEngine}.
 * Nothing needs to be called for it to work; a server configured with {@code .tls(...)} picks it by itself when
 * it is available. Name it explicitly with {@code WebSocketServer.builder().transport(ConscryptTransport.NAME)}
 * to fail at start instead of falling back to {@code jdk-tls}.
 */
public final class ConscryptTransport {
    /** The transport's name, as given to {@code WebSocketServer.Builder.transport(String)}. */
    public static final String NAME = "conscrypt";
    /** Its priority: above {@code jdk-tls} (10), so it wins whenever it is available. */
    public static final int PRIORITY = 20;

    private ConscryptTransport() {
    }

    /**
     * True when Conscrypt's native library loaded in this JVM. Decided once, on first use; never throws (a missing
     * or broken native library makes it false).
     */
    public static boolean isAvailable() {
        return ConscryptRuntime.get().available();
    }

    /**
     * One line for people: {@code "Conscrypt 2.9.0 (BoringSSL)"} when available, otherwise what went wrong while
     * loading it.
     */
    public static String availability() {
        return ConscryptRuntime.get().description();
    }
}
