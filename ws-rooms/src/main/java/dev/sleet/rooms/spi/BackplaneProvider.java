package dev.sleet.rooms.spi;

import java.net.URI;

/**
 * Creates backplanes from a URI such as {@code redis://host:6379}; found with {@link java.util.ServiceLoader} and
 * chosen by the URI's scheme ({@code Rooms.builder().backplane(URI)}).
 */
public interface BackplaneProvider {

    /** URI schemes this provider handles, e.g. {@code redis}, {@code rediss}. */
    java.util.Set<String> schemes();

    /** A backplane for {@code uri}, naming this node {@code nodeId}. */
    Backplane create(URI uri, String nodeId);
}
