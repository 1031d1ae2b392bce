package dev.sleet.core.internal;

import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.handshake.HandshakeResult;
import dev.sleet.handshake.spi.ExtensionAgreement;

/**
 * Connects negotiated extensions to the codec: an agreement from the handshake's extension SPI must also be the
 * framing layer's {@link FrameExtension} (its RSV bits and payload transforms).
 */
public final class Extensions {
    private Extensions() {
    }

    /** The single codec extension agreed for a connection, or null. */
    public static FrameExtension of(HandshakeResult result) {
        return of(result.extensions());
    }

    /** The single codec extension among {@code agreements} (a server's or a client's), or null. */
    public static FrameExtension of(java.util.List<ExtensionAgreement> agreements) {
        FrameExtension found = null;
        for (ExtensionAgreement agreement : agreements) {
            if (!(agreement instanceof FrameExtension fx)) {
                throw new IllegalStateException("extension agreement " + agreement.getClass().getName()
                        + " does not implement " + FrameExtension.class.getName());
            }
            if (found != null) {
                throw new IllegalStateException("more than one codec extension agreed; Sleet applies one");
            }
            found = fx;
        }
        return found;
    }
}
