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
        FrameExtension found = null;
        for (ExtensionAgreement agreement : result.extensions()) {
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
