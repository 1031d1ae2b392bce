package dev.sleet.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.spi.Transport;
import dev.sleet.server.spi.TransportConfig;
import dev.sleet.server.spi.TransportException;
import dev.sleet.server.spi.TransportProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the server picks a transport among those {@code ServiceLoader} found, and the line it logs about it: by
 * name, else the available one of highest priority; a better one that cannot run here (a native library that did
 * not load) is passed over with a warning that says why.
 */
class TransportChoiceTest {

    /** A stand-in for a provider from another module. */
    record Fake(String name, boolean isAvailable, int priority, boolean secure, String availability)
            implements TransportProvider {
        @Override
        public Transport create(TransportConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    static final TransportProvider NIO = new NioTransportProvider();
    static final TransportProvider JDK_TLS = new JdkTlsTransportProvider();
    static final Fake WORKING = new Fake("conscrypt", true, 20, true, "Conscrypt 2.9.0 (BoringSSL)");
    static final Fake BROKEN = new Fake("conscrypt", false, 20, true,
            "Conscrypt could not be loaded: java.lang.UnsatisfiedLinkError: no conscrypt_openjdk_jni in java.library.path");

    @Test
    void higherPriorityWinsWhenAvailable() {
        Transports.Choice c = Transports.choose(null, true, List.of(NIO, JDK_TLS, WORKING));
        assertSame(WORKING, c.provider());
        assertEquals(System.Logger.Level.INFO, c.level());
        assertTrue(c.why().contains("TLS transport conscrypt chosen: highest priority (20) of conscrypt, jdk-tls"),
                c.why());
    }

    @Test
    void unavailableBetterProviderIsPassedOverWithAWarningThatSaysWhy() {
        Transports.Choice c = Transports.choose(null, true, List.of(BROKEN, NIO, JDK_TLS));
        assertSame(JDK_TLS, c.provider());
        assertEquals(System.Logger.Level.WARNING, c.level());
        assertTrue(c.why().contains("TLS transport jdk-tls chosen because conscrypt is not available")
                && c.why().contains("UnsatisfiedLinkError"), c.why());
    }

    @Test
    void onlyTheBuiltInTlsTransportSaysSo() {
        Transports.Choice c = Transports.choose(null, true, List.of(NIO, JDK_TLS));
        assertSame(JDK_TLS, c.provider());
        assertTrue(c.why().contains("the only one installed") && c.why().contains("ws-tls-conscrypt"), c.why());
    }

    @Test
    void plainServersIgnoreTlsProviders() {
        assertSame(NIO, Transports.choose(null, false, List.of(WORKING, JDK_TLS, NIO)).provider());
    }

    @Test
    void namedProviderMustExistBeAvailableAndFit() {
        assertSame(JDK_TLS, Transports.choose("jdk-tls", true, List.of(NIO, JDK_TLS, WORKING)).provider());
        TransportException missing = assertThrows(TransportException.class,
                () -> Transports.choose("quic", true, List.of(NIO, JDK_TLS, BROKEN)));
        assertTrue(missing.getMessage().contains("found: nio, jdk-tls, conscrypt (unavailable: Conscrypt could not"),
                missing.getMessage());
        TransportException broken = assertThrows(TransportException.class,
                () -> Transports.choose("conscrypt", true, List.of(NIO, JDK_TLS, BROKEN)));
        assertTrue(broken.getMessage().contains("UnsatisfiedLinkError"), broken.getMessage());
        TransportException wrongKind = assertThrows(TransportException.class,
                () -> Transports.choose("nio", true, List.of(NIO, JDK_TLS)));
        assertTrue(wrongKind.getMessage().contains("plain transport"), wrongKind.getMessage());
    }

    @Test
    void nothingAvailableListsWhatWasFound() {
        TransportException e = assertThrows(TransportException.class,
                () -> Transports.choose(null, true, List.of(NIO, BROKEN)));
        assertTrue(e.getMessage().startsWith("no available TLS transport; found: nio, conscrypt (unavailable"),
                e.getMessage());
    }
}
