package dev.sleet.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load generator's reply checks (RFC 6455 §5.2 server frames fed to its reader in memory): a correct reply
 * passes however the bytes are split, and a wrong opcode, a changed byte, a short or long message and a reply out
 * of order are each counted as an error. Also that the mixed-script payload is valid UTF-8 of the exact size.
 */
class LoadClientChecksTest {

    /** A server frame (unmasked): FIN as given, the opcode, the minimal length encoding, the payload. */
    private static byte[] serverFrame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = payload.length;
        out.write((fin ? 0x80 : 0) | opcode);
        if (n < 126) {
            out.write(n);
        } else {
            out.write(126);
            out.write(n >>> 8);
            out.write(n);
        }
        out.write(payload, 0, n);
        return out.toByteArray();
    }

    private static byte[] message(byte[] template, long seq) {
        byte[] m = template.clone();
        LoadClient.putHex(m, 0, seq);
        return m;
    }

    /** A reader expecting {@code expected}; it records the sequence number of every message it accepts. */
    private static final class Recorder {
        final LoadClient client = new LoadClient();
        final List<Long> seqs = new ArrayList<>();
        final LoadClient.Conn conn;

        Recorder(byte[] expected, int opcode) {
            conn = client.new Conn(null, expected, opcode) {
                @Override
                void onMessage(long now) {
                    seqs.add(LoadClient.parseHex(seq, 0));
                }

                @Override
                void writeMore(long now) {
                }
            };
        }

        /** Feeds {@code bytes} in pieces of the given sizes (cycled), as reads would deliver them. */
        void feed(byte[] bytes, int... pieces) throws Exception {
            int at = 0;
            int i = 0;
            while (at < bytes.length) {
                int n = Math.min(pieces[i++ % pieces.length], bytes.length - at);
                ByteBuffer direct = ByteBuffer.allocateDirect(n);
                direct.put(bytes, at, n).flip();
                conn.feed(direct, 0);
                at += n;
            }
        }

        long errors() {
            return client.errors.get();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    @Test
    void correctRepliesPassHoweverTheyAreSplit() throws Exception {
        byte[] template = LoadClient.payload("mixed", 4096);
        byte[] stream = concat(serverFrame(true, 1, message(template, 0)), serverFrame(true, 1, message(template, 1)),
                // message 2 fragmented (RFC 6455 §5.4): text frame without FIN, then a continuation
                serverFrame(false, 1, java.util.Arrays.copyOfRange(message(template, 2), 0, 1000)),
                serverFrame(true, 0, java.util.Arrays.copyOfRange(message(template, 2), 1000, 4096)));
        for (int[] pieces : new int[][] {{stream.length}, {1}, {7, 3, 1000}, {4097}}) {
            Recorder r = new Recorder(template, LoadClient.OP_TEXT);
            r.feed(stream, pieces);
            assertEquals(0, r.errors(), "pieces " + java.util.Arrays.toString(pieces));
            assertEquals(List.of(0L, 1L, 2L), r.seqs);
        }
    }

    @Test
    void aChangedByteIsAnError() throws Exception {
        byte[] template = LoadClient.payload("binary", 4096);
        for (int at : new int[] {16, 17, 2048, 4095}) {
            byte[] m = message(template, 0);
            m[at] ^= 0x01;
            Recorder r = new Recorder(template, LoadClient.OP_BINARY);
            r.feed(serverFrame(true, 2, m), 100);
            assertEquals(1, r.errors(), "byte " + at);
            assertEquals(List.of(), r.seqs);
        }
    }

    @Test
    void aWrongOpcodeOrLengthIsAnError() throws Exception {
        byte[] template = LoadClient.payload("ascii", 32);
        Recorder opcode = new Recorder(template, LoadClient.OP_TEXT);
        opcode.feed(serverFrame(true, 2, message(template, 0)), 32);
        assertEquals(1, opcode.errors());

        Recorder shorter = new Recorder(template, LoadClient.OP_TEXT);
        shorter.feed(serverFrame(true, 1, java.util.Arrays.copyOf(message(template, 0), 31)), 5);
        assertEquals(1, shorter.errors());

        Recorder longer = new Recorder(template, LoadClient.OP_TEXT);
        longer.feed(serverFrame(true, 1, java.util.Arrays.copyOf(message(template, 0), 33)), 5);
        assertEquals(1, longer.errors());
        assertEquals(List.of(), opcode.seqs);
        assertEquals(List.of(), shorter.seqs);
        assertEquals(List.of(), longer.seqs);
    }

    @Test
    void anEchoOutOfOrderIsAnError() throws Exception {
        LoadClient client = new LoadClient();
        byte[] template = LoadClient.payload("ascii", 32);
        LoadClient.IoThread owner = client.new IoThread("test");
        ByteBuffer frames = ByteBuffer.allocate(64);
        LoadClient.EchoConn c = client.new EchoConn(null, owner, frames, 38, 2, 0, template, LoadClient.OP_TEXT);
        c.inFlight = 2;
        ByteBuffer in = ByteBuffer.wrap(concat(serverFrame(true, 1, message(template, 1)),
                serverFrame(true, 1, message(template, 0))));
        c.feed(in, 0);
        assertEquals(2, client.errors.get(), "1 arrived before 0, then 0 after 1");
        owner.selector.close();
    }

    @Test
    void patchedSequenceNumbersUnmaskToTheirDigits() {
        byte[] template = LoadClient.payload("mixed", 300);
        int key = 0x1F2E3D4C;
        byte[] frame = LoadClient.maskedFrame(LoadClient.OP_TEXT, template, key);
        ByteBuffer frames = ByteBuffer.allocate(frame.length * 2).put(frame).put(frame);
        LoadClient.patchSeq(frames, frame.length, LoadClient.headerLength(300), key, 0xabc123L);
        byte[] second = new byte[frame.length];
        frames.get(frame.length, second);
        byte[] mask = {0x1F, 0x2E, 0x3D, 0x4C};
        int header = LoadClient.headerLength(300) + 4;
        byte[] unmasked = new byte[300];
        for (int i = 0; i < 300; i++) {
            unmasked[i] = (byte) (second[header + i] ^ mask[i & 3]);
        }
        assertArrayEquals(message(template, 0xabc123L), unmasked);
    }

    @Test
    void mixedPayloadIsValidUtf8OfTheExactSizeAndMostlyNotAscii() throws CharacterCodingException {
        for (int size : new int[] {32, 64, 4096, 4097}) {
            byte[] p = LoadClient.payload("mixed", size);
            assertEquals(size, p.length);
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(p)).toString();
            assertTrue(text.codePoints().anyMatch(c -> c >= 0x400 && c <= 0x4FF), "Cyrillic");
            if (size >= 4096) {
                assertTrue(text.codePoints().anyMatch(c -> c >= 0x4E00 && c <= 0x9FFF), "CJK");
                assertTrue(text.codePoints().anyMatch(c -> c >= 0x1F300), "emoji");
                assertTrue(LoadClient.nonAsciiShare(p) > 0.5, "share " + LoadClient.nonAsciiShare(p));
            }
        }
        assertEquals(0, LoadClient.nonAsciiShare(LoadClient.payload("ascii", 64)));
    }
}
