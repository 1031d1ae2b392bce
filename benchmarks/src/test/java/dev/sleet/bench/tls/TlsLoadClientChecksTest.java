package dev.sleet.bench.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.TestCertificates;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS load client's echo check (RFC 6455 §5.2): the bytes it expects are exactly its own masked frames
 * unmasked, a changed header, length or payload byte in any frame of a burst fails with the frame named, and each
 * of the benchmark's servers passes a short echo and handshake load over loopback with every byte checked, the
 * measured window opened before it is closed. (Each load lasts 1.3 s; the counts asserted are only "some", never a
 * rate.)
 */
class TlsLoadClientChecksTest {
    @TempDir
    static Path dir;
    static TestCertificates.Issued cert;
    static SSLContext client;

    @BeforeAll
    static void issue() throws Exception {
        cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        client = SSLContext.getInstance("TLS", Conscrypt.newProvider());
        client.init(null, new TrustManager[] {new TrustAll()}, null);
    }

    /** Unmasks client frames (RFC 6455 §5.3) independently of the code under test. */
    private static byte[] unmasked(byte[] clientFrames, int size) {
        ByteBuffer in = ByteBuffer.wrap(clientFrames);
        ByteBuffer out = ByteBuffer.allocate(clientFrames.length);
        while (in.hasRemaining()) {
            out.put(in.get());
            int len7 = in.get() & 0x7F;
            out.put((byte) len7);
            long len = len7;
            if (len7 == 126) {
                short l = in.getShort();
                out.putShort(l);
                len = l & 0xFFFF;
            } else if (len7 == 127) {
                len = in.getLong();
                out.putLong(len);
            }
            assertEquals(size, len);
            byte[] mask = new byte[4];
            in.get(mask);
            for (int i = 0; i < len; i++) {
                out.put((byte) (in.get() ^ mask[i % 4]));
            }
        }
        byte[] b = new byte[out.position()];
        out.flip().get(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 16384, 65535, 65536})
    void expectedEchoesAreTheSentFramesUnmasked(int size) throws IOException {
        byte[] frame = TlsLoadClient.maskedFrame(size);
        byte[] three = new byte[frame.length * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(frame, 0, three, i * frame.length, frame.length);
        }
        byte[] expected = TlsLoadClient.expectedEchoes(size, 3);
        assertArrayEquals(unmasked(three, size), expected);
        assertEquals(3 * TlsLoadClient.serverFrameLength(size), expected.length);
        TlsLoadClient.checkEchoes(expected.clone(), expected, size); // the right bytes pass
    }

    @Test
    void aChangedByteInAnyFrameFailsNamingThatFrame() {
        int size = 128;
        int frameLength = TlsLoadClient.serverFrameLength(size);
        byte[] expected = TlsLoadClient.expectedEchoes(size, 4);
        // opcode of frame 0 (text instead of binary), length of frame 1, a payload byte of frame 2 and of frame 3
        int[] offsets = {0, frameLength + 1, 2 * frameLength + 2 + 77, 4 * frameLength - 1};
        for (int i = 0; i < offsets.length; i++) {
            byte[] back = expected.clone();
            back[offsets[i]] ^= 0x01;
            IOException e = assertThrows(IOException.class, () -> TlsLoadClient.checkEchoes(back, expected, size));
            assertTrue(e.getMessage().contains("frame " + i + " of the burst"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sleet-conscrypt", "sleet-jdk-tls", "netty-jdk", "netty-openssl-epoll"})
    void everyServerPassesAShortCheckedLoad(String server) throws Exception {
        try (TlsEchoServers.Running running = TlsEchoServers.start(server, 0, 1, cert.certificatePem(),
                cert.privateKeyPem())) {
            TlsLoadClient load = new TlsLoadClient(client.getSocketFactory(), running.port());
            assertEquals("TLSv1.3", load.negotiated().split(" ")[0]);
            List<String> events = new ArrayList<>();
            TlsLoadClient.Window window = new TlsLoadClient.Window() {
                @Override
                public void opened() {
                    events.add("opened");
                }

                @Override
                public void closed() {
                    events.add("closed");
                }
            };
            assertTrue(load.echo(2, 128, 8, 0.3, 1.0, window) > 0);
            assertTrue(load.echo(1, 16 * 1024, 2, 0.3, 1.0, TlsLoadClient.Window.NONE) > 0);
            assertTrue(load.handshakes(1, 0.3, 1.0, TlsLoadClient.Window.NONE) > 0);
            assertEquals(List.of("opened", "closed"), events);
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
