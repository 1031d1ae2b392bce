package dev.sleet.deflate.internal;

import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.WebSocketException;
import dev.sleet.frame.spi.InboundTransform;
import dev.sleet.frame.spi.PayloadSink;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving half of permessage-deflate for one connection (RFC 7692 §7.2.2): inflates each compressed message
 * as its frames arrive, appends {@code 00 00 ff ff} at the end of the message, and writes the output to the sink in
 * pieces of at most 16 KiB as it is produced. The sink enforces the message size cap on the decompressed bytes,
 * so a small message that inflates without end is stopped (1009) after at most the cap plus one piece.
 *
 * <p><b>Context.</b> When the client keeps context, the connection holds one {@link Inflater} from its first
 * compressed message until it closes. When it does not ({@code client_no_context_takeover}), an inflater is
 * borrowed from the {@link ZlibPool} when a compressed message starts and returned at its end.
 *
 * <p><b>Bad input.</b> Data zlib rejects, or a stream that asks for a preset dictionary, fails the connection with
 * 1007 (the message's data is invalid for its type, RFC 6455 §7.4.1). A message that ends its DEFLATE stream with
 * a BFINAL block (RFC 7692 §7.2.3.4) is accepted: whatever follows in the message starts a new stream, and the
 * next message starts one too, so a client that does that cannot refer back across it (none is known to).
 * An empty compressed payload is taken as an empty message and leaves the context as it was.
 *
 * <p>Not thread-safe: used by the connection's reading thread.
 */
public final class Inflation implements InboundTransform {
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    private final ZlibPool pool;
    private final boolean keepContext;
    private Inflater inflater;
    private long messageWireBytes;
    private boolean closed;

    /** @param contextTakeover whether the client keeps its compression context between messages */
    public Inflation(ZlibPool pool, boolean contextTakeover) {
        this.pool = pool;
        this.keepContext = contextTakeover;
    }

    /** Whether an inflater is held right now. */
    public boolean holdsInflater() {
        return inflater != null;
    }

    @Override
    public void transform(ByteBuffer payload, PayloadSink sink) {
        if (!payload.hasRemaining()) {
            return;
        }
        messageWireBytes += payload.remaining();
        inflate(payload, sink);
    }

    @Override
    public void endMessage(PayloadSink sink) {
        if (messageWireBytes > 0) {
            messageWireBytes = 0;
            inflate(ByteBuffer.wrap(TAIL), sink);
            pool.messagesInflated.increment();
        }
        if (inflater != null && (!keepContext || inflater.finished())) {
            if (keepContext) {
                inflater.reset();
            } else {
                release();
            }
        }
    }

    private void inflate(ByteBuffer input, PayloadSink sink) {
        if (closed) {
            throw new IllegalStateException("permessage-deflate inflater used after close");
        }
        Inflater inf = inflater;
        if (inf == null) {
            inf = inflater = pool.takeInflater();
        }
        ByteBuffer out = pool.takeScratch();
        try {
            inf.setInput(input);
            while (true) {
                int before = input.remaining();
                int n;
                try {
                    n = inf.inflate(out);
                } catch (DataFormatException e) {
                    throw corrupt(e.getMessage());
                }
                if (!out.hasRemaining()) {
                    emit(out, sink);
                }
                if (inf.finished()) {
                    // A BFINAL block ended the stream (RFC 7692 §7.2.3.4): what is left starts a new one.
                    inf.reset();
                    if (!input.hasRemaining()) {
                        break;
                    }
                    inf.setInput(input);
                    continue;
                }
                if (n == 0) {
                    if (inf.needsDictionary()) {
                        throw corrupt("the stream asks for a preset dictionary");
                    }
                    if (inf.needsInput()) {
                        break;
                    }
                    if (input.remaining() == before && out.hasRemaining()) {
                        throw corrupt("the inflater makes no progress"); // zlib stops so only at an error
                    }
                }
            }
            if (out.position() > 0) {
                emit(out, sink);
            }
        } finally {
            pool.giveScratch(out);
        }
    }

    private void emit(ByteBuffer out, PayloadSink sink) {
        out.flip();
        pool.bytesInflated.add(out.remaining());
        sink.accept(out);
        out.clear();
    }

    private static WebSocketException corrupt(String detail) {
        return new WebSocketException(CloseCodes.INVALID_PAYLOAD,
                "invalid permessage-deflate data" + (detail == null ? "" : ": " + detail));
    }

    private void release() {
        Inflater i = inflater;
        inflater = null;
        pool.giveInflater(i);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        messageWireBytes = 0;
        if (inflater != null) {
            release();
        }
    }
}
