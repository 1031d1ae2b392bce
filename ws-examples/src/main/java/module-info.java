/** Runnable examples: an echo server and a chat server, each started by the {@code ./sleet} launcher. */
module dev.sleet.examples {
    requires dev.sleet.server;
    requires dev.sleet.rooms;
    requires dev.sleet.deflate; // --deflate: permessage-deflate (also found by ServiceLoader)
    requires java.logging; // to quiet Sleet's System.Logger output in the examples

    // API (the example mains, so they can be started with java -m)
    exports dev.sleet.examples;
}
