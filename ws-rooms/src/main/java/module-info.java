/**
 * Rooms over Sleet connections: join, leave, encode-once broadcast, clean-up when a connection
 * ends, presence, and a backplane SPI through which other modules carry broadcasts between nodes.
 */
module dev.sleet.rooms {
    requires transitive dev.sleet.server;

    // API
    exports dev.sleet.rooms;
    // SPI
    exports dev.sleet.rooms.spi;

    // Services
    uses dev.sleet.rooms.spi.BackplaneProvider;
}
