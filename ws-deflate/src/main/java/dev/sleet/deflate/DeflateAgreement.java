package dev.sleet.deflate;

import dev.sleet.deflate.internal.Compression;
import dev.sleet.deflate.internal.Inflation;
import dev.sleet.deflate.internal.ZlibPool;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.frame.spi.InboundTransform;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import java.util.Objects;

/**
 * permessage-deflate as agreed for one connection: the handshake's response element and the codec's
 * {@link FrameExtension} on RSV1 (RFC 7692 §6). Immutable and cheap: the zlib objects live in the transforms it
 * creates, and only from their first compressed message on.
 */
public final class DeflateAgreement implements ExtensionAgreement, FrameExtension {
    private final DeflateParameters parameters;
    private final DeflateConfig config;
    private final ExtensionOffer response;
    private final ZlibPool pool;

    DeflateAgreement(DeflateParameters parameters, DeflateConfig config, ZlibPool pool) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.config = Objects.requireNonNull(config, "config");
        this.pool = pool;
        this.response = parameters.toResponse();
    }

    /** The agreed parameters. */
    public DeflateParameters parameters() {
        return parameters;
    }

    /** The server configuration it was negotiated under. */
    public DeflateConfig config() {
        return config;
    }

    @Override
    public ExtensionOffer response() {
        return response;
    }

    @Override
    public String name() {
        return DeflateParameters.NAME;
    }

    @Override
    public int rsvBits() {
        return Rsv.RSV1;
    }

    /** An inflater for the client's messages; it holds zlib memory only as described in {@link PerMessageDeflate}. */
    @Override
    public InboundTransform newInboundTransform() {
        return new Inflation(pool, !parameters.clientNoContextTakeover());
    }

    /** A deflater for the server's messages; it holds zlib memory only as described in {@link PerMessageDeflate}. */
    @Override
    public OutboundTransform newOutboundTransform() {
        return new Compression(pool, config.compressionLevel(), config.threshold(), parameters.serverWindowBits(),
                !parameters.serverNoContextTakeover());
    }

    @Override
    public String toString() {
        return response.format();
    }
}
