/** Runnable examples: an echo server and a chat server, each started by the {@code ./sleet} launcher. */
module dev.sleet.examples {
    requires dev.sleet.server;
    requires dev.sleet.client; // LineClient: ./sleet client
    requires dev.sleet.rooms;
    requires dev.sleet.deflate; // --deflate: permessage-deflate (also found by ServiceLoader)
    requires dev.sleet.rooms.redis; // ./sleet chat --redis: one node of a cluster
    requires dev.sleet.metrics.micrometer; // --metrics: the meters behind /metrics
    requires micrometer.registry.prometheus; // automatic module (Automatic-Module-Name), 1.17.2
    requires java.logging; // to quiet Sleet's System.Logger output in the examples

    // API (the example mains, so they can be started with java -m)
    exports dev.sleet.examples;
}
