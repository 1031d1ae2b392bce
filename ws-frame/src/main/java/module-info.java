/**
 * Sleet's RFC 6455 frame codec: parsing, masking, UTF-8 validation, close codes, message assembly and frame
 * writing, with no dependencies. Extensions such as permessage-deflate plug in through
 * {@code dev.sleet.frame.spi}.
 */
module dev.sleet.frame {
    // API
    exports dev.sleet.frame;

    // SPI
    exports dev.sleet.frame.spi;

    // Services: none. Extensions are handed to the codec by whoever negotiated them, not loaded here.
}
