package dev.sleet.tls.conscrypt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.spi.TransportConfig;
import dev.sleet.server.spi.TransportException;
import dev.sleet.tls.conscrypt.ConscryptTransport;
import java.security.Provider;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Conscrypt's availability is decided once and never throws, whatever loading its native library does: the
 * errors a JVM really raises there ({@code UnsatisfiedLinkError}, {@code NoClassDefFoundError},
 * {@code ExceptionInInitializerError}) become a reason that names them.
 */
class ConscryptRuntimeProbeTest {

    private static ConscryptRuntime failing(Throwable t) {
        return ConscryptRuntime.probe(() -> {
            if (t instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) t;
        });
    }

    @Test
    void loadsHere() {
        // This build targets linux/macOS/windows on x86_64 and aarch64, all of which the uber jar carries.
        assertTrue(ConscryptTransport.isAvailable(), ConscryptTransport.availability());
        assertTrue(ConscryptTransport.availability().startsWith("Conscrypt 2."), ConscryptTransport.availability());
        assertTrue(new ConscryptTransportProvider().isAvailable());
        assertEquals(ConscryptTransport.PRIORITY, new ConscryptTransportProvider().priority());
    }

    @Test
    void decidedOnceForTheJvm() {
        assertSame(ConscryptRuntime.get(), ConscryptRuntime.get());
        assertSame(ConscryptRuntime.get().provider(), ConscryptRuntime.get().provider());
    }

    @Test
    void missingNativeLibrary() {
        ConscryptRuntime r = failing(new UnsatisfiedLinkError(
                "no conscrypt_openjdk_jni-linux-x86_64 in java.library.path: /usr/lib"));
        assertFalse(r.available());
        assertNull(r.provider());
        assertTrue(r.description().contains("java.lang.UnsatisfiedLinkError: no conscrypt_openjdk_jni"),
                r.description());
    }

    @Test
    void missingClasses() {
        ConscryptRuntime r = failing(new NoClassDefFoundError("org/conscrypt/Conscrypt"));
        assertFalse(r.available());
        assertTrue(r.description().contains("NoClassDefFoundError: org/conscrypt/Conscrypt"), r.description());
    }

    @Test
    void failedStaticInitialiserNamesTheRootCause() {
        ConscryptRuntime r = failing(new ExceptionInInitializerError(
                new IllegalStateException("Unable to extract native library into /tmp: noexec\nsecond line")));
        assertFalse(r.available());
        assertTrue(r.description().contains("ExceptionInInitializerError caused by java.lang.IllegalStateException:"
                + " Unable to extract native library into /tmp: noexec"), r.description());
        assertFalse(r.description().contains("second line"), "one line for the log");
    }

    @Test
    void anyThrowableAtAll() {
        assertFalse(failing(new StackOverflowError()).available());
        assertFalse(failing(new IllegalArgumentException()).available());
        assertFalse(ConscryptRuntime.probe(() -> null).available());
    }

    @Test
    void workingLoaderGivesTheProvider() {
        Supplier<Provider> real = () -> ConscryptRuntime.get().provider();
        ConscryptRuntime r = ConscryptRuntime.probe(real);
        assertTrue(r.available());
        assertSame(ConscryptRuntime.get().provider(), r.provider());
    }

    @Test
    void providerRefusesPlainListeners() {
        Executable create = () -> new ConscryptTransportProvider().create(TransportConfig.plain());
        TransportException e = org.junit.jupiter.api.Assertions.assertThrows(TransportException.class, create);
        assertTrue(e.getMessage().contains("needs TLS settings"), e.getMessage());
    }
}
