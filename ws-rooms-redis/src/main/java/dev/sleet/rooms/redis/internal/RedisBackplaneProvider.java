package dev.sleet.rooms.redis.internal;

import dev.sleet.rooms.redis.RedisBackplane;
import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.BackplaneProvider;
import java.net.URI;
import java.util.Set;

/**
 * Lets {@code Rooms.builder().backplane(URI.create("redis://host:6379?prefix=app:"), nodeId)} (or a
 * {@code redis-cluster://} URI) find the Redis backplane through {@link java.util.ServiceLoader}.
 */
public final class RedisBackplaneProvider implements BackplaneProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", Settings.CLUSTER, Settings.CLUSTER_TLS);
    }

    @Override
    public Backplane create(URI uri, String nodeId) {
        return RedisBackplane.builder(uri).nodeId(nodeId).build();
    }
}
