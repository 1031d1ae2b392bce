package dev.sleet.frame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Test listener: records every message as a readable string. Text as {@code T:<text>}, binary as
 * {@code B:<hex>} (long data abbreviated, see {@link #hex(byte[])}), pings and pongs as {@code PING:<hex>}/{@code PONG:<hex>}, close as {@code CLOSE:<code>:<reason>}.
 * In streaming mode the fragments of a message are joined, so whole and streaming runs record the same strings.
 */
class Recorder implements MessageListener {
    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    int fragments;

    static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        return hex(a);
    }

    /** Hex for up to 64 bytes; longer data as its length, CRC-32C and first 16 bytes (cheap to compare). */
    static String hex(byte[] a) {
        if (a.length <= 64) {
            return HexFormat.of().formatHex(a);
        }
        CRC32C crc = new CRC32C();
        crc.update(a);
        return a.length + "/" + Long.toHexString(crc.getValue()) + "/" + HexFormat.of().formatHex(a, 0, 16);
    }

    @Override
    public void onText(ByteBuffer utf8) {
        events.add("T:" + Utf8.decode(utf8));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        events.add("B:" + hex(data));
    }

    @Override
    public void onPing(ByteBuffer payload) {
        events.add("PING:" + hex(payload));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        events.add("PONG:" + hex(payload));
    }

    @Override
    public void onClose(CloseStatus status) {
        events.add("CLOSE:" + status.code() + ":" + status.reason());
    }

    @Override
    public void onTextFragment(ByteBuffer utf8, boolean last) {
        append(utf8);
        if (last) {
            events.add("T:" + Utf8.decode(ByteBuffer.wrap(pending.toByteArray())));
            pending.reset();
        }
    }

    @Override
    public void onBinaryFragment(ByteBuffer data, boolean last) {
        append(data);
        if (last) {
            events.add("B:" + hex(pending.toByteArray()));
            pending.reset();
        }
    }

    private void append(ByteBuffer b) {
        fragments++;
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        pending.writeBytes(a);
    }
}
