package dev.sleet.deflate;

import dev.sleet.deflate.internal.Compression;
import dev.sleet.deflate.internal.Inflation;
import dev.sleet.deflate.internal.ZlibPool;
import dev.sleet.frame.Role;
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
 *
 * <p>An agreement belongs to one side of the connection ({@link #role()}): a server's (from
 * {@link PerMessageDeflate}) compresses with the server's window and takeover parameters and inflates the client's
 * messages; a client's (from {@link PerMessageDeflateClient}) compresses with the client's
 * ({@code client_max_window_bits}, {@code client_no_context_takeover}) and inflates the server's.
 */
public final class DeflateAgreement implements ExtensionAgreement, FrameExtension {
    private final DeflateParameters parameters;
    private final DeflateConfig config;
    private final ExtensionOffer response;
    private final ZlibPool pool;
    private final Role role;

    DeflateAgreement(DeflateParameters parameters, DeflateConfig config, ZlibPool pool) {
        this(parameters, config, pool, Role.SERVER);
    }

    DeflateAgreement(DeflateParameters parameters, DeflateConfig config, ZlibPool pool, Role role) {
        this.role = Objects.requireNonNull(role, "role");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.config = Objects.requireNonNull(config, "config");
        this.pool = pool;
        this.response = parameters.toResponse();
    }

    /** The agreed parameters. */
    public DeflateParameters parameters() {
        return parameters;
    }

    /**
     * The configuration it was negotiated under: the server's; for a client agreement, the client's compression
     * level and threshold, with what it asked for in the takeover and window fields.
     */
    public DeflateConfig config() {
        return config;
    }

    /** The side of the connection this agreement is for. */
    public Role role() {
        return role;
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

    /**
     * An inflater for the peer's messages (the client's on a server, the server's on a client); it holds zlib memory
     * only as described in {@link PerMessageDeflate}.
     */
    @Override
    public InboundTransform newInboundTransform() {
        boolean peerKeepsContext = role == Role.SERVER ? !parameters.clientNoContextTakeover()
                : !parameters.serverNoContextTakeover();
        return new Inflation(pool, peerKeepsContext);
    }

    /**
     * A deflater for this side's messages, with this side's window and takeover parameters; it holds zlib memory
     * only as described in {@link PerMessageDeflate}.
     */
    @Override
    public OutboundTransform newOutboundTransform() {
        if (role == Role.SERVER) {
            return new Compression(pool, config.compressionLevel(), config.threshold(), parameters.serverWindowBits(),
                    !parameters.serverNoContextTakeover());
        }
        return new Compression(pool, config.compressionLevel(), config.threshold(), parameters.clientWindowBits(),
                !parameters.clientNoContextTakeover());
    }

    @Override
    public String toString() {
        return response.format();
    }
}
