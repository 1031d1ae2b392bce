package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property (RFC 6455 §4.1 against §4.2): for seeded random URIs (ws/wss, names, IPv4 and IPv6 literals, default and
 * other ports, encoded paths and queries), origins, extra fields, subprotocol offers and extension offers, the
 * client's request, split at random points, is accepted by the server's own parser and negotiator; the server sees
 * what the client sent; the server's 101, followed by random frame bytes and split at random points, is read by the
 * client's parser, which stops at the end of the head; and the client's validator accepts it with the server's
 * choices.
 */
class ClientServerHandshakeRoundTripPropertyTest {

    private static final int CASES = 1_000;
    private static final List<String> HOSTS = List.of("example.com", "localhost", "127.0.0.1", "[::1]",
            "[2001:db8::1]", "chat.EXAMPLE.org", "a-b.c_d.example");
    private static final List<String> PROTOCOLS = List.of("chat", "superchat", "mqtt", "v2.chat", "wamp", "x_y-z");
    private static final String PCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";

    @Test
    void clientRequestServerResponseClientValidation() {
        long base = TestSeeds.base();
        for (int i = 0; i < CASES; i++) {
            long seed = TestSeeds.ofCase(base, i);
            try {
                check(new SplittableRandom(seed));
            } catch (AssertionError | RuntimeException e) {
                throw TestSeeds.failure(seed, e);
            }
        }
    }

    private static void check(SplittableRandom r) {
        boolean secure = r.nextBoolean();
        String host = HOSTS.get(r.nextInt(HOSTS.size()));
        int port = r.nextInt(3) == 0 ? -1 : r.nextInt(4) == 0 ? (secure ? 443 : 80) : 1 + r.nextInt(65535);
        String path = path(r);
        String query = r.nextBoolean() ? null : segment(r, 0) + "=" + segment(r, 0) + "&q=%2F%3F";
        String uri = (secure ? "wss" : "ws") + "://" + host + (port < 0 ? "" : ":" + port) + path
                + (query == null ? "" : "?" + query);

        ClientHandshake.Builder b = ClientHandshake.builder(URI.create(uri));
        String origin = r.nextBoolean() ? null : "https://" + host.replace("[", "").replace("]", "").replace(':', '-');
        if (origin != null) {
            b.origin(origin);
        }
        List<String[]> extra = new ArrayList<>();
        for (int k = r.nextInt(5); k > 0; k--) {
            String[] f = {"X-" + token(r), value(r)};
            extra.add(f);
            b.header(f[0], f[1]);
        }
        List<String> offered = shuffledSubset(r, PROTOCOLS);
        b.subprotocols(offered);
        int clientMax = 1 + r.nextInt(9);
        boolean offerExtension = r.nextBoolean();
        if (offerExtension) {
            b.extension(new TestExtension.Client(clientMax));
        }
        ClientHandshake client = b.build();

        List<String> serverProtocols = shuffledSubset(r, PROTOCOLS);
        int serverCap = 1 + r.nextInt(9);
        boolean serverHasExtension = r.nextBoolean();
        HandshakeNegotiator server = new HandshakeNegotiator(HandshakeConfig.builder()
                .subprotocols(serverProtocols)
                .extensions(serverHasExtension ? List.of(new TestExtension.Server(serverCap)) : List.of())
                .build());

        // Client → server.
        HttpRequestParser requestParser = new HttpRequestParser();
        boolean done = false;
        for (ByteBuffer piece : RandomRequests.split(r, bytes(client.request()))) {
            assertFalse(done && piece.hasRemaining(), "bytes after the end of the request");
            done = requestParser.parse(piece);
            assertFalse(piece.hasRemaining(), "the request has nothing after its head");
        }
        assertTrue(done);
        HttpRequest request = requestParser.request();
        assertEquals(client.target(), request.target());
        assertEquals(path.isEmpty() ? "/" : path, request.path());
        assertEquals(query == null ? "" : query, request.rawQuery());
        String hostField = request.headers().first("Host").orElseThrow();
        int defaultPort = secure ? 443 : 80;
        assertEquals(port < 0 || port == defaultPort ? host : host + ":" + port, hostField);
        assertEquals(Optional.ofNullable(origin), request.headers().first("Origin"));
        for (String[] f : extra) {
            assertTrue(request.headers().all(f[0]).contains(f[1]), f[0]);
        }
        HandshakeResult result = server.negotiate(request);
        assertEquals(client.expectedAccept(), result.accept());

        // Server → client, with frame bytes right behind the head.
        HttpHeaders serverExtra = r.nextBoolean() ? HttpHeaders.empty() : HttpHeaders.of("Set-Cookie", "id=" + token(r));
        ByteBuffer response = HandshakeResponses.switchingProtocols(result, serverExtra);
        byte[] frames = new byte[r.nextInt(40)];
        r.nextBytes(frames);
        byte[] wire = new byte[response.remaining() + frames.length];
        int headLength = response.remaining();
        response.get(wire, 0, headLength);
        System.arraycopy(frames, 0, wire, headLength, frames.length);

        HttpResponseParser responseParser = new HttpResponseParser();
        ByteBuffer rest = ByteBuffer.allocate(frames.length);
        done = false;
        for (ByteBuffer piece : RandomRequests.split(r, wire)) {
            if (!done) {
                done = responseParser.parse(piece);
                if (!done) {
                    assertFalse(piece.hasRemaining(), "an incomplete head consumes the whole buffer");
                }
            }
            if (done) {
                rest.put(piece);
            }
        }
        assertTrue(done, "complete after the last piece");
        assertArrayEquals(frames, rest.array(), "the bytes after the head are the frames, untouched");

        ClientHandshakeResult agreed = client.validate(responseParser.response(), new byte[0]);
        assertEquals(result.subprotocol(), agreed.subprotocol());
        Optional<String> expectedProtocol = serverProtocols.stream().filter(offered::contains).findFirst();
        assertEquals(expectedProtocol, agreed.subprotocol());
        if (offerExtension && serverHasExtension) {
            assertEquals(1, agreed.extensions().size());
            assertEquals(Math.min(clientMax, serverCap), ((TestExtension.Agreement) agreed.extensions().get(0)).level());
        } else {
            assertTrue(agreed.extensions().isEmpty());
        }
        assertEquals(serverExtra.first("Set-Cookie"), agreed.response().headers().first("Set-Cookie"));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static String path(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int k = r.nextInt(4); k > 0; k--) {
            sb.append('/').append(segment(r, 0));
        }
        if (sb.isEmpty() && r.nextBoolean()) {
            sb.append('/');
        }
        return sb.toString();
    }

    private static String segment(SplittableRandom r, int min) {
        StringBuilder sb = new StringBuilder();
        for (int n = min + r.nextInt(8); n > 0; n--) {
            if (r.nextInt(8) == 0) {
                sb.append('%').append("0123456789ABCDEF".charAt(r.nextInt(16)))
                        .append("0123456789ABCDEF".charAt(r.nextInt(16)));
            } else {
                char c = PCHARS.charAt(r.nextInt(PCHARS.length()));
                sb.append(c == '&' || c == '=' || c == ';' ? 'x' : c);
            }
        }
        return sb.toString();
    }

    private static String token(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int n = 1 + r.nextInt(10); n > 0; n--) {
            sb.append(RandomRequests.TCHARS.charAt(r.nextInt(RandomRequests.TCHARS.length())));
        }
        return sb.toString();
    }

    private static String value(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(30); n > 0; n--) {
            sb.append((char) (r.nextInt(6) == 0 ? ' ' : 0x21 + r.nextInt(0x7E - 0x21 + 1)));
        }
        return sb.toString().strip();
    }

    private static List<String> shuffledSubset(SplittableRandom r, List<String> pool) {
        List<String> out = new ArrayList<>();
        for (String p : pool) {
            if (r.nextInt(3) == 0) {
                out.add(r.nextInt(out.size() + 1), p);
            }
        }
        return out;
    }
}
