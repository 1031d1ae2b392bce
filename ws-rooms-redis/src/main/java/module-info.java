/**
 * A backplane for {@code dev.sleet.rooms} over Redis pub/sub: several Sleet nodes share rooms, each broadcast is
 * published once, a node subscribes only to rooms it has members in, and presence is kept cluster-wide with
 * expiry so that a crashed node's members vanish.
 */
module dev.sleet.rooms.redis {
    requires transitive dev.sleet.rooms;
    requires lettuce.core;
    // Lettuce is an automatic module: it declares no dependencies, so under java -m nothing it needs is resolved
    // unless named here (surefire hides this; ChatRedisTwoProcessesTest and .ci/run start a real java -m).
    // Netty 4.2 has real descriptors: io.netty.handler brings buffer, codec, common, resolver and transport.
    requires io.netty.handler;
    requires io.netty.resolver.dns; // Lettuce's default client resources build a DNS resolver
    requires reactor.core;        // automatic too (Lettuce's RedisURI already touches Mono)
    requires org.reactivestreams; // what reactor.core needs, also automatic
    requires org.slf4j;           // Lettuce logs through SLF4J directly; the application picks a binding

    // API
    exports dev.sleet.rooms.redis;

    // Services
    provides dev.sleet.rooms.spi.BackplaneProvider with dev.sleet.rooms.redis.internal.RedisBackplaneProvider;
}
