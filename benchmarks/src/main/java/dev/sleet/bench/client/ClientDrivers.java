package dev.sleet.bench.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The drivers the client benchmark knows, by name. A driver is either available (a factory) or absent with a
 * reason: an absent driver is listed, reported as {@code "<name>: <reason>"} and left out of every run; it never
 * produces a figure. Stateless.
 */
public final class ClientDrivers {

    /** A known driver: {@code factory} is null when it is absent, and {@code absentReason} says why. */
    public record Known(String name, String description, Function<ClientDriver.Options, ClientDriver> factory,
            String absentReason) {
        public boolean available() {
            return factory != null;
        }
    }

    private static final Map<String, Known> KNOWN = new LinkedHashMap<>();

    static {
        add(new Known("sleet", "Sleet's ws-client (dev.sleet.client.WebSocketClient)", SleetClientDriver::new, null));
        add(new Known("netty", "Netty 4.2 WebSocketClientProtocolHandler on NIO", o -> new NettyClientDriver(o, false),
                null));
        add(new Known("netty-epoll", "Netty 4.2 WebSocketClientProtocolHandler on epoll",
                o -> new NettyClientDriver(o, true), null));
        add(new Known("jdk", "java.net.http.WebSocket (HttpClient.newWebSocketBuilder())", JdkClientDriver::new,
                null));
    }

    private ClientDrivers() {
    }

    private static void add(Known k) {
        KNOWN.put(k.name(), k);
    }

    /** Every known driver, available or not, in a fixed order. */
    public static List<Known> all() {
        return List.copyOf(KNOWN.values());
    }

    /** The driver called {@code name}; fails with the list of known names when there is none. */
    public static Known known(String name) {
        Known k = KNOWN.get(name);
        if (k == null) {
            throw new IllegalArgumentException("no client driver " + name + "; known: " + KNOWN.keySet());
        }
        return k;
    }

    /** Creates the driver called {@code name}; fails for an unknown or absent one. */
    public static ClientDriver create(String name, ClientDriver.Options options) {
        Known k = known(name);
        if (!k.available()) {
            throw new IllegalArgumentException(name + ": " + k.absentReason());
        }
        return k.factory().apply(options);
    }
}
