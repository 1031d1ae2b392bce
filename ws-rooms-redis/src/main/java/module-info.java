/**
 * A backplane for {@code dev.sleet.rooms} over Redis pub/sub: several Sleet nodes share rooms, each broadcast is
 * published once, a node subscribes only to rooms it has members in, and presence is kept cluster-wide with
 * expiry so that a crashed node's members vanish.
 */
module dev.sleet.rooms.redis {
    requires transitive dev.sleet.rooms;
    requires lettuce.core;
    // Lettuce is an automatic module and declares nothing; Netty 4.2 ships real module descriptors, which the
    // module system resolves only when someone requires them. io.netty.handler brings the rest of what Lettuce
    // uses (buffer, codec, common, resolver, transport). Without it, java -m fails at the first connection.
    requires io.netty.handler;

    // API
    exports dev.sleet.rooms.redis;

    // Services
    provides dev.sleet.rooms.spi.BackplaneProvider with dev.sleet.rooms.redis.internal.RedisBackplaneProvider;
}
