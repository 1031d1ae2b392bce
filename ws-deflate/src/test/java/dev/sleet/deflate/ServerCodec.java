package dev.sleet.deflate;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.FrameParser;
import dev.sleet.frame.Frames;
import dev.sleet.frame.MessageAssembler;
import dev.sleet.frame.MessageListener;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Role;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.Utf8;
import dev.sleet.frame.WebSocketException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A server's read path for tests: Sleet's {@link FrameParser} and {@link MessageAssembler} with a permessage-deflate
 * agreement (or none), fed client frames, recording messages as {@code T:text} / {@code B:hex} and the close code of
 * the first failure.
 */
final class ServerCodec implements MessageListener, AutoCloseable {
    final List<String> events = new ArrayList<>();
    final List<byte[]> binaries = new ArrayList<>();
    final FrameParser parser;
    final MessageAssembler assembler;
    int failure = -1;
    String failureMessage;

    ServerCodec(DeflateAgreement agreement, long maxMessageSize) {
        this(agreement, maxMessageSize, false);
    }

    ServerCodec(DeflateAgreement agreement, long maxMessageSize, boolean streaming) {
        parser = new FrameParser(Role.SERVER, Long.MAX_VALUE >>> 2, agreement == null ? 0 : Rsv.RSV1);
        assembler = MessageAssembler.builder(this).maxMessageSize(maxMessageSize).streaming(streaming)
                .extension(agreement).build();
    }

    /** Feeds bytes; returns false once the codec has failed (the failure is recorded). */
    boolean feed(byte[] bytes) {
        return feed(ByteBuffer.wrap(bytes));
    }

    boolean feed(ByteBuffer bytes) {
        if (failure >= 0) {
            return false;
        }
        try {
            parser.parse(bytes, assembler);
            return true;
        } catch (WebSocketException e) {
            failure = e.closeCode();
            failureMessage = e.getMessage();
            return false;
        }
    }

    /** One masked client frame. */
    static byte[] frame(boolean fin, int rsv, Opcode opcode, byte[] payload) {
        ByteBuffer f = Frames.maskedFrame(fin, rsv, opcode, ByteBuffer.wrap(payload), 0x1234_5678);
        byte[] a = new byte[f.remaining()];
        f.get(a);
        return a;
    }

    /** Parses {@code "c1 07 f2 48"} style hex. */
    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace("0x", "").replace(" ", ""));
    }

    private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();

    @Override
    public void onText(ByteBuffer utf8) {
        events.add("T:" + Utf8.decode(utf8));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        byte[] a = new byte[data.remaining()];
        data.get(a);
        binaries.add(a);
        events.add("B:" + a.length);
    }

    @Override
    public void onTextFragment(ByteBuffer utf8, boolean last) {
        byte[] a = new byte[utf8.remaining()];
        utf8.get(a);
        fragments.writeBytes(a);
        if (last) {
            events.add("T:" + Utf8.decode(ByteBuffer.wrap(fragments.toByteArray())));
            fragments.reset();
        }
    }

    @Override
    public void onBinaryFragment(ByteBuffer data, boolean last) {
        byte[] a = new byte[data.remaining()];
        data.get(a);
        fragments.writeBytes(a);
        if (last) {
            binaries.add(fragments.toByteArray());
            events.add("B:" + fragments.size());
            fragments.reset();
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        events.add("PING");
    }

    @Override
    public void onPong(ByteBuffer payload) {
        events.add("PONG");
    }

    @Override
    public void onClose(CloseStatus status) {
        events.add("CLOSE:" + status.code());
    }

    @Override
    public void close() {
        assembler.close();
    }
}
