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

    /**
     * The provider named {@code name}, or (name null) the available provider of highest priority whose
     * {@code secure()} matches {@code secure}. Logs the choice and why.
     */
    static TransportProvider select(String name, boolean secure) {
        List<TransportProvider> all = providers();
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
            LOG.log(System.Logger.Level.INFO, "transport {0} chosen by name", name);
            return p;
        }
        List<TransportProvider> candidates = all.stream().filter(t -> t.secure() == secure)
                .sorted(Comparator.comparingInt(TransportProvider::priority).reversed()).toList();
        for (TransportProvider p : candidates) {
            if (p.isAvailable()) {
                String skipped = candidates.stream().filter(c -> c != p && c.priority() >= p.priority())
                        .map(c -> c.name() + " (" + c.availability() + ")").collect(Collectors.joining(", "));
                LOG.log(System.Logger.Level.INFO, "transport {0} chosen (priority {1}){2}", p.name(), p.priority(),
                        skipped.isEmpty() ? "" : "; passed over: " + skipped);
                return p;
            }
        }
        throw new TransportException("no available " + (secure ? "TLS" : "plain") + " transport; found: "
                + describe(all));
    }

    private static String describe(List<TransportProvider> all) {
        if (all.isEmpty()) {
            return "none";
        }
        return all.stream().map(t -> t.name() + (t.isAvailable() ? "" : " (unavailable: " + t.availability() + ")"))
                .collect(Collectors.joining(", "));
    }
}
