package dev.sleet.frame.spi;

/**
 * The frame-level half of a negotiated WebSocket extension (RFC 6455 §5.8, §9): which reserved bits it owns and
 * how it transforms message payloads. Negotiation itself (the {@code Sec-WebSocket-Extensions} header) happens
 * elsewhere; the object that records an agreement implements this interface so the connection can plug it into
 * its {@link dev.sleet.frame.FrameParser}, {@link dev.sleet.frame.MessageAssembler} and
 * {@link dev.sleet.frame.FrameWriter}.
 *
 * <p>The codec's rules for an extension's bits, modelled on permessage-deflate (RFC 7692 §6):
 * <ul>
 *   <li>An RSV bit the extension owns may be set on the first frame of a data message; the whole message is then
 *       fed through the extension's {@link InboundTransform}, and UTF-8 validation and the message size cap apply
 *       to the transform's output.</li>
 *   <li>The bit on a continuation frame or on a control frame is a protocol error (1002).</li>
 *   <li>On the way out, a message may be run through the {@link OutboundTransform}, which sets the bit on the
 *       first frame when it transformed the payload.</li>
 * </ul>
 *
 * <p>Implementations are immutable descriptions of the agreement and may be shared by threads; the transforms
 * they create hold per-connection state.
 */
public interface FrameExtension {
    /** The extension's registered name, e.g. {@code "permessage-deflate"}; for logs and errors. */
    String name();

    /** The {@link dev.sleet.frame.Rsv} bits this extension owns: non-zero, within {@code 0b111}. */
    int rsvBits();

    /** A new inbound transform for one connection. */
    InboundTransform newInboundTransform();

    /** A new outbound transform for one connection. */
    OutboundTransform newOutboundTransform();
}
