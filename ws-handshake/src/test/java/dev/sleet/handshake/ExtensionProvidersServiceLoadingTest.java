package dev.sleet.handshake;

import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionProvider;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.ServiceConfigurationError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading extension providers: broken or unavailable ones are skipped; a missing name lists what exists. */
class ExtensionProvidersServiceLoadingTest {

    private record Named(String name, boolean available, boolean throwsOnCheck) implements ExtensionProvider {
        @Override
        public boolean isAvailable() {
            if (throwsOnCheck) {
                throw new UnsatisfiedLinkError("no native library");
            }
            return available;
        }

        @Override
        public Optional<ExtensionAgreement> negotiate(List<ExtensionOffer> offers) {
            return Optional.empty();
        }
    }

    @Test
    void brokenAndUnavailableProvidersAreSkipped() {
        Named good = new Named("x-good", true, false);
        Named off = new Named("x-off", false, false);
        Named linkError = new Named("x-native", true, true);
        Named last = new Named("x-last", true, false);
        Object[] sequence = {good, new ServiceConfigurationError("cannot instantiate"), off, linkError, last};
        Iterator<ExtensionProvider> it = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < sequence.length;
            }

            @Override
            public ExtensionProvider next() {
                if (i >= sequence.length) {
                    throw new NoSuchElementException();
                }
                Object o = sequence[i++];
                if (o instanceof ServiceConfigurationError e) {
                    throw e;
                }
                return (ExtensionProvider) o;
            }
        };
        assertEquals(List.of(good, last), ExtensionProviders.usable(it));
    }

    @Test
    void namedFindsAnyCaseOrListsTheAvailableNames() {
        Named a = new Named("permessage-deflate", true, false);
        Named b = new Named("x-b", true, false);
        assertSame(a, ExtensionProviders.named("PerMessage-Deflate", List.of(a, b)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExtensionProviders.named("x-zip", List.of(a, b)));
        assertTrue(e.getMessage().contains("available: permessage-deflate, x-b"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExtensionProviders.named("x-zip", List.of()));
        assertTrue(e.getMessage().contains("available: none"), e.getMessage());
    }

    @Test
    void installedFindsNoProviderInThisModuleAlone() {
        // ws-handshake provides no extension itself; ws-deflate will. The real ServiceLoader path must still run.
        assertEquals(List.of(), ExtensionProviders.installed());
    }
}
