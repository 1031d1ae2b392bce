package dev.sleet.handshake;

import dev.sleet.handshake.spi.ExtensionProvider;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds {@link ExtensionProvider}s with {@link ServiceLoader} (module {@code dev.sleet.handshake} declares
 * {@code uses}; a provider module declares {@code provides dev.sleet.handshake.spi.ExtensionProvider with ...}).
 * A provider that fails to load, throws from {@link ExtensionProvider#isAvailable()} or reports itself unavailable
 * is skipped and logged.
 */
public final class ExtensionProviders {

    private static final System.Logger LOG = System.getLogger(ExtensionProviders.class.getName());

    private ExtensionProviders() {
    }

    /** Every installed provider that loads and is available, in service-loader order. */
    public static List<ExtensionProvider> installed() {
        return usable(ServiceLoader.load(ExtensionProvider.class).iterator());
    }

    /**
     * The installed provider named {@code name} (any case).
     *
     * @throws IllegalArgumentException when none matches; the message lists the names available
     */
    public static ExtensionProvider named(String name) {
        return named(name, installed());
    }

    static ExtensionProvider named(String name, List<ExtensionProvider> available) {
        List<String> names = new ArrayList<>();
        for (ExtensionProvider p : available) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
            names.add(p.name());
        }
        throw new IllegalArgumentException("no available WebSocket extension provider named \"" + name
                + "\"; available: " + (names.isEmpty() ? "none" : String.join(", ", names)));
    }

    /** The providers from {@code it} that load and are available; broken ones are logged and skipped. */
    static List<ExtensionProvider> usable(Iterator<? extends ExtensionProvider> it) {
        List<ExtensionProvider> out = new ArrayList<>();
        for (int guard = 0; guard < 10_000; guard++) {
            ExtensionProvider p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.log(Level.WARNING, "skipping a WebSocket extension provider that failed to load", e);
                continue;
            }
            try {
                if (p.isAvailable()) {
                    out.add(p);
                } else {
                    LOG.log(Level.DEBUG, "WebSocket extension provider {0} is not available", p.name());
                }
            } catch (Throwable t) { // a provider backed by a native library may throw a LinkageError here
                LOG.log(Level.WARNING, "skipping WebSocket extension provider " + p.getClass().getName()
                        + ": isAvailable() threw", t);
            }
        }
        return List.copyOf(out);
    }
}
