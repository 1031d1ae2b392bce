package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.frame.Opcode;
import dev.sleet.handshake.ClientHandshakeException.Failure;
import dev.sleet.testkit.ScriptedWsServer;
import dev.sleet.testkit.ScriptedWsServer.ClientFrame;
import dev.sleet.testkit.ScriptedWsServer.Peer;
import dev.sleet.testkit.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Sleet client in the client role of RFC 6455 against {@link ScriptedWsServer}, a server that misbehaves on
 * purpose, plain and over TLS: each protocol violation is answered with the right close code (read from the client's
 * own close frame, which like every client frame must be masked), each bad opening handshake fails the connect with
 * the right {@link UpgradeFailedException#failure()}, and timeouts, refused connects, unknown hosts and bad
 * certificates fail with their typed exceptions.
 */
class ClientConformanceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestCertificates.Issued certificate;
    private static TestCertificates.Issued otherHostCertificate;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        Path dir = Files.createTempDirectory("sleet-client-conformance");
        certificate = TestCertificates.issue(dir, "sleet-test");
        otherHostCertificate = TestCertificates.issueWithSan(dir, "other.example", "dns:other.example");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
    }

    // ---- plumbing ----

    private ScriptedWsServer server(boolean tls, ScriptedWsServer.Script script) throws Exception {
        ScriptedWsServer s = tls ? ScriptedWsServer.startTls(script, certificate) : ScriptedWsServer.start(script);
        resources.add(s);
        return s;
    }

    private WebSocketClient client(ScriptedWsServer server, UnaryOperator<WebSocketClient.Builder> options) {
        WebSocketClient.Builder b = WebSocketClient.builder();
        if (server != null && server.isTls()) {
            b.sslContext(server.clientContext());
        }
        WebSocketClient c = options.apply(b).build();
        resources.add(c);
        return c;
    }

    private static CompletableFuture<Connection> connect(WebSocketClient client, URI uri, ConnectOptions options,
            ClientEvents events) {
        return client.connect(uri, options, events).toCompletableFuture();
    }

    /** The exception a connect failed with, which must be a {@code type}. */
    private static <T extends Throwable> T failure(CompletableFuture<Connection> connect, Class<T> type) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> connect.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS));
        return assertInstanceOf(type, e.getCause(), () -> "cause: " + e.getCause());
    }

    /** What a server script sends after a correct 101, to provoke the client. */
    @FunctionalInterface
    interface Provocation {
        void send(Peer peer) throws Exception;
    }

    /**
     * Runs {@code provocation} after a correct 101, then reads the client's frames up to its close frame (all must
     * be masked), answers it with the same code and closes TCP; returns the client's close frame.
     */
    private ClientFrame closeFrameAfter(boolean tls, UnaryOperator<WebSocketClient.Builder> options,
            Provocation provocation) throws Exception {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        ScriptedWsServer server = server(tls, peer -> {
            peer.accept();
            provocation.send(peer);
            while (true) {
                ClientFrame f = peer.readFrame();
                seen.add(f);
                if (f.opcode() == Opcode.CLOSE.code()) {
                    peer.sendClose(f.closeCode(), "");
                    return;
                }
            }
        });
        ClientEvents events = new ClientEvents();
        connect(client(server, options), server.uri("/c"), ConnectOptions.defaults(), events)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        events.next(ClientEvents.Opened.class);
        ClientFrame close = null;
        while (close == null) {
            Object o = seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(o, "no close frame from the client; failures: " + server.failures());
            ClientFrame f = (ClientFrame) o;
            assertTrue(f.masked(), "every client frame is masked: " + f);
            if (f.opcode() == Opcode.CLOSE.code()) {
                close = f;
            }
        }
        ClientEvents.Closed closed = events.next(ClientEvents.Closed.class);
        assertEquals(close.closeCode(), closed.status().code(), "onClose sees the code the client sent");
        return close;
    }

    private int closeCodeAfter(boolean tls, Provocation provocation) throws Exception {
        return closeFrameAfter(tls, UnaryOperator.identity(), provocation).closeCode();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] INVALID_UTF8 = {'o', 'k', (byte) 0xC3, 0x28};

    // ---- protocol violations by the server: the client's close code ----

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void maskedServerFrameIsAProtocolError(boolean tls) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendMaskedFrame(true, 0, Opcode.TEXT.code(), utf8("hi"),
                0x1234_5678)));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void invalidUtf8TextIs1007(boolean tls) throws Exception {
        assertEquals(1007, closeCodeAfter(tls, p -> p.sendFrame(true, 0, Opcode.TEXT.code(), INVALID_UTF8)));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void invalidUtf8AcrossFragmentsIs1007(boolean tls) throws Exception {
        assertEquals(1007, closeCodeAfter(tls, p -> {
            p.sendFrame(false, 0, Opcode.TEXT.code(), utf8("abc"));
            p.sendFrame(true, 0, Opcode.CONTINUATION.code(), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        }));
    }

    static Stream<Arguments> tlsAndRsv() {
        return Stream.of(false, true).flatMap(tls -> Stream.of(1, 2, 4).map(rsv -> Arguments.of(tls, rsv)));
    }

    @ParameterizedTest(name = "tls={0} rsv={1}")
    @MethodSource("tlsAndRsv")
    void reservedBitsWithoutAnExtensionAreAProtocolError(boolean tls, int rsv) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendFrame(true, rsv, Opcode.TEXT.code(), utf8("hi"))));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void controlFrameOver125BytesIsAProtocolError(boolean tls) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendFrame(true, 0, Opcode.PING.code(), new byte[126])));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void fragmentedControlFrameIsAProtocolError(boolean tls) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendFrame(false, 0, Opcode.PING.code(), utf8("p"))));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void newDataFrameInsideAFragmentedMessageIsAProtocolError(boolean tls) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> {
            p.sendFrame(false, 0, Opcode.TEXT.code(), utf8("first half"));
            p.sendFrame(true, 0, Opcode.BINARY.code(), utf8("another message"));
        }));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void continuationWithoutAStartIsAProtocolError(boolean tls) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendFrame(true, 0, Opcode.CONTINUATION.code(), utf8("x"))));
    }

    static Stream<Arguments> tlsAndOpcode() {
        return Stream.of(false, true).flatMap(tls -> Stream.of(3, 7, 11, 15).map(op -> Arguments.of(tls, op)));
    }

    @ParameterizedTest(name = "tls={0} opcode={1}")
    @MethodSource("tlsAndOpcode")
    void unknownOpcodeIsAProtocolError(boolean tls, int opcode) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendFrame(true, 0, opcode, utf8("?"))));
    }

    static Stream<Arguments> tlsAndBadCloseCode() {
        return Stream.of(false, true)
                .flatMap(tls -> Stream.of(0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000)
                        .map(code -> Arguments.of(tls, code)));
    }

    @ParameterizedTest(name = "tls={0} code={1}")
    @MethodSource("tlsAndBadCloseCode")
    void invalidCloseCodeIsAProtocolError(boolean tls, int code) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendClose(code, "")));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void oneByteClosePayloadIsAProtocolError(boolean tls) throws Exception {
        assertEquals(1002, closeCodeAfter(tls, p -> p.sendFrame(true, 0, Opcode.CLOSE.code(), new byte[] {3})));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void closeReasonWithInvalidUtf8IsAProtocolError(boolean tls) throws Exception {
        // RFC 6455 §8.1 only says "fail the connection"; Sleet's rule for close frames (the server's too, and its
        // Autobahn 7.5.1 case) is that a bad code or a bad reason is a protocol error, 1002. Autobahn accepts 1002
        // or 1007 here.
        assertEquals(1002, closeCodeAfter(tls, p -> {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.writeBytes(ScriptedWsServer.closePayload(1000, ""));
            payload.writeBytes(INVALID_UTF8);
            p.sendFrame(true, 0, Opcode.CLOSE.code(), payload.toByteArray());
        }));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void messageOverMaxMessageSizeIs1009(boolean tls) throws Exception {
        assertEquals(1009, closeFrameAfter(tls, b -> b.maxMessageSize(1024),
                p -> p.sendBinary(new byte[2000])).closeCode());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void fragmentedMessageOverMaxMessageSizeIs1009(boolean tls) throws Exception {
        assertEquals(1009, closeFrameAfter(tls, b -> b.maxMessageSize(1024), p -> {
            p.sendFrame(false, 0, Opcode.BINARY.code(), new byte[600]);
            p.sendFrame(false, 0, Opcode.CONTINUATION.code(), new byte[600]);
            p.sendFrame(true, 0, Opcode.CONTINUATION.code(), new byte[600]);
        }).closeCode());
    }

    // ---- closing ----

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void serverCloseIsEchoedWithItsCode(boolean tls) throws Exception {
        ClientFrame close = closeFrameAfter(tls, UnaryOperator.identity(), p -> p.sendClose(1000, "done"));
        assertEquals(1000, close.closeCode());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void serverThatNeverAnswersTheCloseIsDroppedAfterCloseTimeout(boolean tls) throws Exception {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        ScriptedWsServer server = server(tls, peer -> {
            peer.accept();
            seen.add(peer.awaitClose(WAIT));
            seen.add(peer.awaitEof(WAIT)); // never answers
        });
        ClientEvents events = new ClientEvents();
        Connection c = connect(client(server, b -> b.closeTimeout(Duration.ofMillis(300))), server.uri("/c"),
                ConnectOptions.defaults(), events).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        events.next(ClientEvents.Opened.class);
        c.close(1000, "bye");
        ClientFrame close = assertInstanceOf(ClientFrame.class, seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(close.masked());
        assertEquals(1000, close.closeCode());
        assertEquals("bye", close.closeReason());
        assertEquals(Boolean.TRUE, seen.poll(WAIT.toSeconds() * 2, TimeUnit.SECONDS),
                "the client closed TCP itself; failures: " + server.failures());
        events.next(ClientEvents.Closed.class);
        assertFalse(c.isOpen());
        assertNotNull(c.closeFuture().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    // ---- framing on the way in and out ----

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void serverFramesSplitIntoOneByteWritesAreParsed(boolean tls) throws Exception {
        String text = "Привет 世界 🎉 split";
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 7);
        }
        BlockingQueue<ClientFrame> seen = new LinkedBlockingQueue<>();
        ScriptedWsServer server = server(tls, peer -> {
            peer.accept();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(ScriptedWsServer.encodeFrame(false, 0, Opcode.TEXT.code(), null, utf8(text.substring(0, 3))));
            all.writeBytes(ScriptedWsServer.encodeFrame(true, 0, Opcode.PING.code(), null, utf8("in-between")));
            all.writeBytes(ScriptedWsServer.encodeFrame(true, 0, Opcode.CONTINUATION.code(), null,
                    utf8(text.substring(3))));
            all.writeBytes(ScriptedWsServer.encodeFrame(true, 0, Opcode.BINARY.code(), null, binary));
            peer.sendInChunks(all.toByteArray(), 1);
            while (true) {
                ClientFrame f = peer.readFrame();
                seen.add(f);
                if (f.opcode() == Opcode.CLOSE.code()) {
                    peer.sendClose(f.closeCode(), "");
                    return;
                }
            }
        });
        ClientEvents events = new ClientEvents();
        Connection c = connect(client(server, UnaryOperator.identity()), server.uri("/c"), ConnectOptions.defaults(),
                events).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        events.next(ClientEvents.Opened.class);
        assertEquals(text, events.next(ClientEvents.Text.class).text());
        assertArrayEquals(binary, events.next(ClientEvents.Binary.class).data());
        ClientFrame pong = seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(pong, "the client answered the ping");
        assertEquals(Opcode.PONG.code(), pong.opcode());
        assertTrue(pong.masked());
        assertEquals("in-between", pong.text());
        c.close();
        events.next(ClientEvents.Closed.class);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void everyClientFrameIsMaskedWithAFreshKey(boolean tls) throws Exception {
        int n = 40;
        BlockingQueue<ClientFrame> seen = new LinkedBlockingQueue<>();
        ScriptedWsServer server = server(tls, peer -> {
            peer.accept();
            while (true) {
                ClientFrame f = peer.readFrame();
                seen.add(f);
                if (f.opcode() == Opcode.CLOSE.code()) {
                    peer.sendClose(f.closeCode(), "");
                    return;
                }
            }
        });
        ClientEvents events = new ClientEvents();
        Connection c = connect(client(server, UnaryOperator.identity()), server.uri("/c"), ConnectOptions.defaults(),
                events).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        events.next(ClientEvents.Opened.class);
        for (int i = 0; i < n; i++) {
            if (i % 4 == 3) {
                c.ping(ByteBuffer.wrap(utf8("p" + i)));
            } else if (i % 2 == 0) {
                c.send("m" + i);
            } else {
                c.send(new byte[] {(byte) i, 0, 0, 0});
            }
        }
        c.close(1000, "");
        Set<Integer> keys = new HashSet<>();
        List<ClientFrame> frames = new ArrayList<>();
        for (int i = 0; i < n + 1; i++) {
            ClientFrame f = seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(f, "frame " + i + " of " + (n + 1) + "; failures: " + server.failures());
            frames.add(f);
            assertTrue(f.masked(), "frame " + i + " masked: " + f);
            keys.add(f.maskKey());
        }
        assertEquals(n + 1, keys.size(), "every frame has its own mask key");
        for (int i = 0; i < n; i++) {
            ClientFrame f = frames.get(i);
            if (i % 4 == 3) {
                assertEquals(Opcode.PING.code(), f.opcode());
                assertEquals("p" + i, f.text());
            } else if (i % 2 == 0) {
                assertEquals("m" + i, f.text(), "the payload unmasks to what was sent");
            } else {
                assertArrayEquals(new byte[] {(byte) i, 0, 0, 0}, f.payload());
            }
        }
        assertEquals(Opcode.CLOSE.code(), frames.get(n).opcode());
        events.next(ClientEvents.Closed.class);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void permessageDeflateCompressesOnTheWayOutAndInflatesOnTheWayIn(boolean tls) throws Exception {
        String text = "Привет 世界 🎉 " + "deflate me ".repeat(100);
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        ScriptedWsServer server = server(tls, peer -> {
            ScriptedWsServer.Request request = peer.accept(Map.of("Sec-WebSocket-Extensions",
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover"));
            seen.add(String.valueOf(request.header("Sec-WebSocket-Extensions")));
            try (dev.sleet.testkit.ClientDeflate deflate = new dev.sleet.testkit.ClientDeflate(true, true)) {
                peer.sendFrame(true, 4, Opcode.TEXT.code(), deflate.compress(utf8(text))); // RSV1: compressed
                ClientFrame f = peer.readFrame();
                seen.add(f);
                seen.add(new String(deflate.decompress(f.payload()), StandardCharsets.UTF_8));
            }
            ClientFrame close = peer.awaitClose(WAIT);
            peer.sendClose(close.closeCode(), "");
        });
        ClientEvents events = new ClientEvents();
        Connection c = connect(client(server, UnaryOperator.identity()), server.uri("/c"),
                ConnectOptions.builder().extension(new dev.sleet.deflate.PerMessageDeflateClient()).build(), events)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        events.next(ClientEvents.Opened.class);
        String offer = (String) seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(offer.startsWith("permessage-deflate"), "the client offered permessage-deflate: " + offer);
        assertEquals(text, events.next(ClientEvents.Text.class).text(), "the compressed message is inflated");
        c.send(text);
        ClientFrame f = assertInstanceOf(ClientFrame.class, seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS),
                "failures: " + server.failures());
        assertTrue(f.masked());
        assertEquals(4, f.rsv(), "RSV1 set: the client compressed its message");
        assertTrue(f.payload().length < utf8(text).length, "smaller than the text: " + f.payload().length);
        assertEquals(text, seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        c.close();
        events.next(ClientEvents.Closed.class);
    }

    // ---- the opening handshake ----

    private UpgradeFailedException upgradeFailure(boolean tls, ConnectOptions options, ScriptedWsServer.Script script)
            throws Exception {
        ScriptedWsServer server = server(tls, script);
        ClientEvents events = new ClientEvents();
        return failure(connect(client(server, UnaryOperator.identity()), server.uri("/c"), options, events),
                UpgradeFailedException.class);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void wrongAcceptFailsTheConnect(boolean tls) throws Exception {
        UpgradeFailedException e = upgradeFailure(tls, ConnectOptions.defaults(), peer -> {
            peer.acceptWrongly();
            peer.awaitEof(WAIT);
        });
        assertEquals(Failure.BAD_ACCEPT, e.failure());
        assertEquals(101, e.status());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void unofferedSubprotocolFailsTheConnect(boolean tls) throws Exception {
        UpgradeFailedException e = upgradeFailure(tls, ConnectOptions.builder().subprotocols("v1", "v2").build(),
                peer -> {
                    peer.accept(Map.of("Sec-WebSocket-Protocol", "v3"));
                    peer.awaitEof(WAIT);
                });
        assertEquals(Failure.UNOFFERED_SUBPROTOCOL, e.failure());
        UpgradeFailedException none = upgradeFailure(tls, ConnectOptions.defaults(), peer -> {
            peer.accept(Map.of("Sec-WebSocket-Protocol", "chat"));
            peer.awaitEof(WAIT);
        });
        assertEquals(Failure.UNOFFERED_SUBPROTOCOL, none.failure());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void unofferedExtensionFailsTheConnect(boolean tls) throws Exception {
        UpgradeFailedException e = upgradeFailure(tls, ConnectOptions.defaults(), peer -> {
            peer.accept(Map.of("Sec-WebSocket-Extensions", "permessage-deflate"));
            peer.awaitEof(WAIT);
        });
        assertEquals(Failure.UNOFFERED_EXTENSION, e.failure());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void redirectIsReportedWithItsLocation(boolean tls) throws Exception {
        UpgradeFailedException e = upgradeFailure(tls, ConnectOptions.defaults(), peer -> {
            peer.respond(302, "Found", Map.of("Location", "wss://elsewhere.example/ws"), "");
            peer.awaitEof(WAIT);
        });
        assertEquals(Failure.REDIRECT, e.failure());
        assertEquals(302, e.status());
        assertEquals("wss://elsewhere.example/ws", e.location().orElseThrow());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void refusalReportsStatusHeadersAndBody(boolean tls) throws Exception {
        UpgradeFailedException e = upgradeFailure(tls, ConnectOptions.defaults(), peer -> {
            peer.respond(401, "Unauthorized", Map.of("WWW-Authenticate", "Bearer"), "a token is required");
            peer.awaitEof(WAIT);
        });
        assertEquals(Failure.NOT_SWITCHING_PROTOCOLS, e.failure());
        assertEquals(401, e.status());
        assertEquals("Bearer", e.headers().first("WWW-Authenticate").orElseThrow());
        String body = new String(e.bodyPrefix(), StandardCharsets.UTF_8);
        assertTrue(body.contains("a token is required"), "body prefix: " + body);
    }

    private ConnectTimeoutException handshakeTimeout(boolean tls, ScriptedWsServer.Script script) throws Exception {
        ScriptedWsServer server = server(tls, script);
        WebSocketClient client = client(server, b -> b.handshakeTimeout(Duration.ofMillis(300)));
        return failure(connect(client, server.uri("/c"), ConnectOptions.defaults(), new ClientEvents()),
                ConnectTimeoutException.class);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void responseHeadThatNeverEndsTimesOut(boolean tls) throws Exception {
        BlockingQueue<Boolean> eof = new LinkedBlockingQueue<>();
        ConnectTimeoutException e = handshakeTimeout(tls, peer -> {
            peer.readRequest();
            peer.sendRaw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n");
            eof.add(peer.awaitEof(WAIT));
        });
        assertEquals(ConnectTimeoutException.Stage.HANDSHAKE, e.stage());
        assertEquals(Boolean.TRUE, eof.poll(WAIT.toSeconds() * 2, TimeUnit.SECONDS), "the client closed TCP");
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void silentServerTimesOut(boolean tls) throws Exception {
        BlockingQueue<Boolean> eof = new LinkedBlockingQueue<>();
        ConnectTimeoutException e = handshakeTimeout(tls, peer -> {
            peer.readRequest();
            eof.add(peer.awaitEof(WAIT));
        });
        assertEquals(ConnectTimeoutException.Stage.HANDSHAKE, e.stage());
        assertEquals(Boolean.TRUE, eof.poll(WAIT.toSeconds() * 2, TimeUnit.SECONDS), "the client closed TCP");
    }

    // ---- connect failures ----

    @Test
    void refusedConnectionFailsWithConnectFailed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebSocketClient client = client(null, UnaryOperator.identity());
        ConnectFailedException e = failure(connect(client, URI.create("ws://127.0.0.1:" + port + "/"),
                ConnectOptions.defaults(), new ClientEvents()), ConnectFailedException.class);
        assertEquals(port, e.address().getPort());
    }

    @Test
    void unknownHostFailsWithUnresolvedHost() throws Exception {
        WebSocketClient client = client(null, UnaryOperator.identity());
        UnresolvedHostException e = failure(connect(client, URI.create("ws://nonexistent.invalid/"),
                ConnectOptions.defaults(), new ClientEvents()), UnresolvedHostException.class);
        assertEquals("nonexistent.invalid", e.host());
    }

    @Test
    void untrustedCertificateFailsWithTlsHandshake() throws Exception {
        ScriptedWsServer server = server(true, peer -> {
            peer.accept();
            peer.awaitEof(WAIT);
        });
        WebSocketClient client = client(null, UnaryOperator.identity()); // the JDK's trust store
        failure(connect(client, server.uri("/c"), ConnectOptions.defaults(), new ClientEvents()),
                TlsHandshakeException.class);
        assertEquals(0, server.failures().stream().filter(t -> !(t instanceof java.io.IOException)).count(),
                "only I/O failures at the server: " + server.failures());
    }

    @Test
    void certificateNotNamingTheHostFailsWithTlsHandshake() throws Exception {
        ScriptedWsServer server = ScriptedWsServer.startTls(peer -> {
            peer.accept();
            peer.awaitClose(WAIT);
        }, otherHostCertificate);
        resources.add(server);
        WebSocketClient verifying = client(server, UnaryOperator.identity());
        failure(connect(verifying, server.uri("/c"), ConnectOptions.defaults(), new ClientEvents()),
                TlsHandshakeException.class);
        // the same certificate is trusted: without hostname verification the connect succeeds
        WebSocketClient lenient = client(server, b -> b.verifyHostname(false));
        ClientEvents events = new ClientEvents();
        Connection c = connect(lenient, server.uri("/c"), ConnectOptions.defaults(), events)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        events.next(ClientEvents.Opened.class);
        c.close();
    }
}
