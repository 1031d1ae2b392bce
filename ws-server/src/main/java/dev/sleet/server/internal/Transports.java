package dev.sleet.server.internal;

import dev.sleet.server.spi.TransportException;
import dev.sleet.server.spi.TransportProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds transport providers with {@link ServiceLoader} and picks one by name or by priority. */
final class Transports {
    private static final System.Logger LOG = System.getLogger(Transports.class.getName());

    private Transports() {
    }

    /** Every provider that loads; a provider that fails to load is logged and skipped. */
    static List<TransportProvider> providers() {
        List<TransportProvider> found = new ArrayList<>();
        var it = ServiceLoader.load(TransportProvider.class, Transports.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.log(System.Logger.Level.WARNING, "skipping a transport provider that failed to load", e);
            }
        }
        return found;
    }

    /** A chosen provider and the line that says why, at the level it deserves. */
    record Choice(TransportProvider provider, System.Logger.Level level, String why) {
    }

    /**
     * The provider named {@code name}, or (name null) the available provider of highest priority whose
     * {@code secure()} matches {@code secure}. Logs the choice and why.
     */
    static TransportProvider select(String name, boolean secure) {
        Choice c = choose(name, secure, providers());
        LOG.log(c.level(), c.why());
        return c.provider();
    }

    /** The choice {@link #select(String, boolean)} makes among {@code all}, with its reason. */
    static Choice choose(String name, boolean secure, List<TransportProvider> all) {
        String kind = secure ? "TLS" : "plain";
        if (name != null) {
            TransportProvider p = all.stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow(() -> new TransportException("no transport named '" + name + "'; found: "
                            + describe(all)));
            if (!p.isAvailable()) {
                throw new TransportException("transport '" + name + "' is not available: " + p.availability());
            }
            if (p.secure() != secure) {
                throw new TransportException("transport '" + name + "' is " + (p.secure() ? "a TLS" : "a plain")
                        + " transport but the server is configured " + (secure ? "with" : "without") + " TLS");
            }
            return new Choice(p, System.Logger.Level.INFO,
                    kind + " transport " + name + " chosen by name (" + p.availability() + ")");
        }
        List<TransportProvider> candidates = all.stream().filter(t -> t.secure() == secure)
                .sorted(Comparator.comparingInt(TransportProvider::priority).reversed()).toList();
        for (TransportProvider p : candidates) {
            if (!p.isAvailable()) {
                continue;
            }
            List<TransportProvider> passedOver = candidates.stream()
                    .filter(c -> c != p && c.priority() >= p.priority()).toList();
            if (!passedOver.isEmpty()) {
                // A better transport is installed but cannot run here (e.g. a native library that did not load).
                return new Choice(p, System.Logger.Level.WARNING, kind + " transport " + p.name() + " chosen because "
                        + passedOver.stream().map(c -> c.name() + " is not available: " + c.availability())
                                .collect(Collectors.joining("; ")));
            }
            if (candidates.size() == 1) {
                return new Choice(p, System.Logger.Level.INFO, kind + " transport " + p.name()
                        + " chosen: the only one installed"
                        + (secure ? " (add the ws-tls-conscrypt module for Conscrypt)" : ""));
            }
            return new Choice(p, System.Logger.Level.INFO, kind + " transport " + p.name()
                    + " chosen: highest priority (" + p.priority() + ") of "
                    + candidates.stream().map(TransportProvider::name).collect(Collectors.joining(", "))
                    + "; " + p.availability());
        }
        throw new TransportException("no available " + kind + " transport; found: " + describe(all));
    }

    private static String describe(List<TransportProvider> all) {
        if (all.isEmpty()) {
            return "none";
        }
        return all.stream().map(t -> t.name() + (t.isAvailable() ? "" : " (unavailable: " + t.availability() + ")"))
                .collect(Collectors.joining(", "));
    }
}
