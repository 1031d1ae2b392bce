/**
 * permessage-deflate (RFC 7692) for Sleet: an {@link dev.sleet.handshake.spi.ExtensionProvider} that negotiates
 * the extension's parameters and whose agreements are the codec's {@link dev.sleet.frame.spi.FrameExtension}
 * (RSV1, a deflater on the way out, an inflater on the way in). Uses only {@code java.util.zip}.
 */
module dev.sleet.deflate {
    requires transitive dev.sleet.frame;
    requires transitive dev.sleet.handshake;

    // API
    exports dev.sleet.deflate;

    // Services
    provides dev.sleet.handshake.spi.ExtensionProvider with dev.sleet.deflate.PerMessageDeflate;
}
