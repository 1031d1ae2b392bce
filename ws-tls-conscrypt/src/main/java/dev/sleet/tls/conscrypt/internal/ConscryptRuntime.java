package dev.sleet.tls.conscrypt.internal;

import java.security.Provider;
import java.util.Objects;
import java.util.function.Supplier;
import org.conscrypt.Conscrypt;

/**
 * Whether Conscrypt works in this JVM, found out once. Loading Conscrypt means loading a native library, which
 * fails with errors rather than exceptions ({@code UnsatisfiedLinkError} for a missing or incompatible library,
 * {@code NoClassDefFoundError} when the jar is absent from a class path, {@code ExceptionInInitializerError} when
 * its classes cannot initialise): every {@link Throwable} is caught here and turned into a reason.
 *
 * @param provider    the JCA provider every Sleet context is made from, or null when unavailable
 * @param description the version when available, otherwise the failure
 * @param failure     what made it unavailable, or null
 */
public record ConscryptRuntime(Provider provider, String description, Throwable failure) {
    private static final System.Logger LOG = System.getLogger(ConscryptRuntime.class.getName());

    /** Runs once, when first asked. */
    private static final class Once {
        static final ConscryptRuntime INSTANCE = probe(Once::load);

        private static Provider load() {
            Conscrypt.checkAvailability(); // throws with the native library's own error when it cannot load
            return Conscrypt.newProviderBuilder().setName("Conscrypt-Sleet").provideTrustManager(false).build();
        }
    }

    /** The JVM-wide answer, computed on first use. */
    public static ConscryptRuntime get() {
        return Once.INSTANCE;
    }

    /** True when {@link #provider()} can make TLS contexts. */
    public boolean available() {
        return provider != null;
    }

    /**
     * Runs {@code loader} and records what it gave or how it failed. Separate from {@link #get()} so the failure
     * paths can be exercised with loaders that throw.
     */
    static ConscryptRuntime probe(Supplier<Provider> loader) {
        try {
            Provider p = Objects.requireNonNull(loader.get(), "Conscrypt gave no provider");
            String version = versionOf(p);
            LOG.log(System.Logger.Level.DEBUG, "Conscrypt {0} loaded", version);
            return new ConscryptRuntime(p, "Conscrypt " + version + " (BoringSSL)", null);
        } catch (Throwable t) {
            // Not rethrown, whatever it is: an unusable Conscrypt only means another transport is chosen.
            return new ConscryptRuntime(null, "Conscrypt could not be loaded: " + reason(t), t);
        }
    }

    private static String versionOf(Provider p) {
        try {
            Conscrypt.Version v = Conscrypt.version();
            if (v != null) {
                return v.major() + "." + v.minor() + "." + v.patch();
            }
        } catch (Throwable ignored) {
            // fall through to the provider's own notion of its version
        }
        return p.getVersionStr();
    }

    /** The innermost cause's type and message: that is where a native loader says what it tried. */
    static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        String head = t == root ? "" : t.getClass().getSimpleName() + " caused by ";
        return head + root.getClass().getName() + (msg == null ? "" : ": " + firstLine(msg));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
