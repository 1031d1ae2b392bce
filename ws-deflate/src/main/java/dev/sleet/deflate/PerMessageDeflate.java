package dev.sleet.deflate;

import dev.sleet.deflate.internal.Offers;
import dev.sleet.deflate.internal.ZlibPool;
import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The permessage-deflate extension provider (RFC 7692). Found through {@link java.util.ServiceLoader} under the
 * name {@code permessage-deflate} (a server enables it with {@code WebSocketServer.builder().extension(
 * "permessage-deflate")}), or made with a {@link DeflateConfig} and handed over directly
 * ({@code .extension(new PerMessageDeflate(config))}).
 *
 * <p><b>Negotiation</b> (§5, §7.1): the client's offers are read in order and the first one the server can honour
 * is accepted; offers with unknown, duplicated or malformed parameters are declined, and when none is left the
 * connection simply goes on without compression. Every offer with a valid {@code server_max_window_bits} can be
 * honoured: windows below 32 KiB are implemented honestly (see below), never ignored.
 *
 * <p><b>Compression</b> (§6, §7.2): a data message at least {@link DeflateConfig#threshold()} bytes long is
 * compressed whole and sent with RSV1 (as one frame, or fragmented by a frame writer); control frames never are.
 * Received messages with RSV1 are inflated as their frames arrive, with the message size cap applied to the
 * inflated bytes while inflating.
 *
 * <p><b>Windows.</b> The JDK's {@link java.util.zip.Deflater} cannot be given a window size: it always uses 32 KiB.
 * For {@code server_max_window_bits} below 15 the compressor feeds each message to zlib in pieces no longer than
 * the window, each closed with a full flush, after which zlib refers to nothing before the flush; no match can
 * then span more than the window. The receiving side needs nothing special: a 32 KiB inflater decodes any smaller
 * window, so {@code client_max_window_bits} is only echoed (or lowered when the config asks).
 *
 * <p><b>Memory.</b> JDK zlib objects live in native memory, about 260 KiB per deflater and 40 KiB per inflater.
 * A connection allocates none until it sends or receives its first compressed message. With context takeover it
 * then holds its deflater (or inflater) until it closes; without it, it borrows one from a process-wide pool for
 * each message. Everything is returned on close, reset; the pool keeps a bounded number idle and frees the rest.
 * {@link #metrics()} counts them.
 *
 * <p>Thread-safe; one instance may serve any number of servers.
 */
public final class PerMessageDeflate implements ExtensionProvider {
    private static final PerMessageDeflate DEFAULT = new PerMessageDeflate(DeflateConfig.defaults());

    private final DeflateConfig config;

    /** The provider with {@link DeflateConfig#defaults()}; the class-path {@code ServiceLoader} uses this. */
    public PerMessageDeflate() {
        this(DeflateConfig.defaults());
    }

    /** A provider that negotiates and compresses as {@code config} says. */
    public PerMessageDeflate(DeflateConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The shared default provider; the module-path {@code ServiceLoader} uses this. */
    public static PerMessageDeflate provider() {
        return DEFAULT;
    }

    /** Counters for every permessage-deflate connection in this process. */
    public static DeflateMetrics metrics() {
        return ZlibPool.SHARED.metrics();
    }

    /** The configuration. */
    public DeflateConfig config() {
        return config;
    }

    @Override
    public String name() {
        return DeflateParameters.NAME;
    }

    /** Always true: only {@code java.util.zip} is needed. */
    @Override
    public boolean isAvailable() {
        return true;
    }

    /**
     * Accepts the first offer that can be honoured (RFC 7692 §5), in the client's order.
     *
     * @return the agreement, or empty when every offer is declined
     */
    @Override
    public Optional<ExtensionAgreement> negotiate(List<ExtensionOffer> offers) {
        return Optional.ofNullable(agree(offers));
    }

    /** As {@link #negotiate}, typed. */
    public DeflateAgreement agree(List<ExtensionOffer> offers) {
        for (ExtensionOffer offer : offers) {
            if (!offer.name().equalsIgnoreCase(DeflateParameters.NAME)) {
                continue;
            }
            DeflateParameters p = Offers.accept(offer, config);
            if (p != null) {
                return new DeflateAgreement(p, config, ZlibPool.SHARED);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "PerMessageDeflate" + config;
    }
}
