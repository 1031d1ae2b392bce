package dev.sleet.client.internal;

import java.net.URI;

/** Test access to the client's package-private rules. */
public final class ClientCoreAccess {
    private ClientCoreAccess() {
    }

    public static URI redirectTarget(URI first, URI current, String location, boolean crossOrigin) {
        return ClientCore.redirectTarget(first, current, location, crossOrigin);
    }
}
