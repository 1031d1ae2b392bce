package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.testkit.ClientDeflate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round trips under every parameter combination (RFC 7692 §7.1), over a seeded random mix of chat-like JSON, repetitive
 * text, random binary and sizes around the window sizes. Sleet's compressor output is decoded by an independent,
 * window-enforcing decoder ({@link StrictInflater}) and by the JDK's zlib as a client would; client output (JDK zlib,
 * {@link ClientDeflate}) is decoded by Sleet's read path. The seed is printed on failure.
 */
class CompressionRoundTripRandomizedTest {
    static final long SEED = Long.getLong("sleet.seed", 0x5EED_7692L);

    static List<Arguments> combinations() {
        List<Arguments> out = new ArrayList<>();
        for (boolean serverReset : new boolean[] {false, true}) {
            for (int bits = 8; bits <= 15; bits++) {
                out.add(Arguments.of(serverReset, bits, bits % 3 == 0 ? 1 : bits % 3 == 1 ? 6 : 9));
            }
        }
        return out;
    }

    static List<byte[]> messages(SplittableRandom r, int count) {
        List<byte[]> out = new ArrayList<>();
        String[] words = {"hello", "room", "message", "type", "from", "alice", "bob", "\u00e9t\u00e9", "\u6f22\u5b57",
            "\ud83d\ude00", "lorem", "ipsum"};
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(4);
            int size = switch (r.nextInt(5)) {
                case 0 -> r.nextInt(64);
                case 1 -> 200 + r.nextInt(400);
                case 2 -> 250 + r.nextInt(20); // around a 256-byte window
                case 3 -> 1000 + r.nextInt(5000);
                default -> 30_000 + r.nextInt(40_000); // beyond the 32 KiB window
            };
            StringBuilder sb = new StringBuilder();
            byte[] m;
            if (kind == 3) {
                m = new byte[size];
                r.nextBytes(m);
            } else {
                while (sb.length() < size) {
                    if (kind == 0) {
                        sb.append("{\"type\":\"message\",\"from\":\"").append(words[r.nextInt(words.length)])
                                .append("\",\"text\":\"").append(words[r.nextInt(words.length)]).append(' ')
                                .append(r.nextInt(1000)).append("\"}");
                    } else {
                        sb.append(words[r.nextInt(words.length)]).append(' ');
                    }
                }
                m = sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            out.add(m);
        }
        return out;
    }

    @ParameterizedTest(name = "server_no_context_takeover={0} server_max_window_bits={1} level={2}")
    @MethodSource("combinations")
    void serverToClient(boolean serverReset, int bits, int level) {
        long seed = SEED ^ (bits * 31L + level) ^ (serverReset ? 0x100 : 0);
        String offer = "permessage-deflate; server_max_window_bits=" + bits
                + (serverReset ? "; server_no_context_takeover" : "");
        DeflateAgreement a = new PerMessageDeflate(DeflateConfig.defaults().withCompressionLevel(level)
                .withThreshold(16)).agree(ExtensionOffer.parseHeader(offer));
        assertEquals(bits, a.parameters().serverWindowBits());
        OutboundTransform out = a.newOutboundTransform();
        StrictInflater strict = new StrictInflater(bits, !serverReset);
        try (ClientDeflate jdk = new ClientDeflate(false, serverReset)) {
            SplittableRandom r = new SplittableRandom(seed);
            int compressed = 0;
            for (byte[] m : messages(r, 40)) {
                ByteBuffer wire = out.transform(Opcode.BINARY, ByteBuffer.wrap(m));
                if (wire == null) {
                    assertTrue(m.length < 16 || serverReset || bits < 15, "only context-free transforms may skip");
                    continue; // sent uncompressed: the peer's inflater never sees it
                }
                compressed++;
                byte[] payload = new byte[wire.remaining()];
                wire.get(payload);
                assertArrayEquals(m, strict.decode(payload), "strict decoder, seed " + seed);
                assertArrayEquals(m, jdk.decompress(payload), "zlib, seed " + seed);
            }
            assertTrue(compressed > 10, "most messages compressed: " + compressed);
            assertTrue(strict.longestDistance < (1 << bits), "distance " + strict.longestDistance + " fits 2^" + bits);
        } finally {
            out.close();
        }
    }

    /** The window check can fail: zlib's own output for a 32 KiB window breaks a 512-byte one. */
    @org.junit.jupiter.api.Test
    void strictDecoderRejectsAWiderWindow() {
        SplittableRandom r = new SplittableRandom(SEED);
        byte[] block = new byte[2000];
        byte[] noise = new byte[10_000];
        r.nextBytes(block);
        r.nextBytes(noise);
        byte[] m = new byte[block.length * 2 + noise.length]; // the block again, 12,000 bytes later
        System.arraycopy(block, 0, m, 0, block.length);
        System.arraycopy(noise, 0, m, block.length, noise.length);
        System.arraycopy(block, 0, m, block.length + noise.length, block.length);
        try (ClientDeflate zlib = new ClientDeflate()) {
            byte[] payload = zlib.compress(m);
            StrictInflater wide = new StrictInflater(15, false);
            assertArrayEquals(m, wide.decode(payload));
            assertTrue(wide.longestDistance > 512, "zlib reached back " + wide.longestDistance);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new StrictInflater(9, false).decode(payload));
            assertTrue(e.getMessage().contains("beyond the window"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "client_no_context_takeover={0} client_max_window_bits={1} level={2}")
    @MethodSource("combinations")
    void clientToServer(boolean clientReset, int bits, int level) {
        long seed = SEED ^ (bits * 17L + level) ^ (clientReset ? 0x200 : 0);
        String offer = "permessage-deflate; client_max_window_bits=" + bits
                + (clientReset ? "; client_no_context_takeover" : "");
        DeflateAgreement a = new PerMessageDeflate().agree(ExtensionOffer.parseHeader(offer));
        assertEquals(bits, a.parameters().clientWindowBits());
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> ms = messages(r, 40);
        try (ClientDeflate client = new ClientDeflate(level, clientReset, false);
                ServerCodec codec = new ServerCodec(a, 1 << 20)) {
            int i = 0;
            for (byte[] m : ms) {
                byte[] c = client.compress(m);
                // every third message fragmented: RSV1 on the first frame only (RFC 7692 §6.1)
                if (i++ % 3 == 0 && c.length > 2) {
                    int cut = 1 + r.nextInt(c.length - 1);
                    codec.feed(ServerCodec.frame(false, Rsv.RSV1, Opcode.BINARY, java.util.Arrays.copyOf(c, cut)));
                    codec.feed(ServerCodec.frame(true, 0, Opcode.CONTINUATION,
                            java.util.Arrays.copyOfRange(c, cut, c.length)));
                } else {
                    codec.feed(ServerCodec.frame(true, Rsv.RSV1, Opcode.BINARY, c));
                }
                assertEquals(-1, codec.failure, codec.failureMessage + ", seed " + seed);
            }
            assertEquals(ms.size(), codec.binaries.size());
            for (int k = 0; k < ms.size(); k++) {
                assertArrayEquals(ms.get(k), codec.binaries.get(k), "message " + k + ", seed " + seed);
            }
        }
    }
}
