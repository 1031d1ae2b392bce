package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.actor.ActorSystem;
import dev.sleet.frame.MessageAssembler;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionProvider;
import dev.sleet.server.internal.Defaults;
import dev.sleet.server.internal.ServerConfig;
import dev.sleet.testkit.RawWebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every builder value is checked: each bad value is refused with an exception whose message names the option (and
 * its range, where it has one), and the edge values of each range are accepted by a server that really starts.
 */
class BuilderValidationTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration JUST_OVER_A_DAY = DAY.plusNanos(1);
    /** Far past what a nanosecond count in a long holds. */
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);
    private static final long MAX_MESSAGE = MessageAssembler.MAX_BUFFERED_MESSAGE_SIZE;

    /** A builder with a handler and a loopback address, so only the option under test can be wrong. */
    private static WebSocketServer.Builder base() {
        return WebSocketServer.builder().host("127.0.0.1").port(0).handler(new RecordingHandler())
                .eventLoops(1).workers(1);
    }

    /** One bad setting: what to do, the exception expected, and the words its message must contain. */
    private record Bad(String label, Consumer<WebSocketServer.Builder> setting, Class<? extends Exception> type,
                       List<String> words) {
        @Override
        public String toString() {
            return label;
        }
    }

    private static Bad iae(String label, Consumer<WebSocketServer.Builder> setting, String... words) {
        return new Bad(label, setting, IllegalArgumentException.class, List.of(words));
    }

    private static Bad ise(String label, Consumer<WebSocketServer.Builder> setting, String... words) {
        return new Bad(label, setting, IllegalStateException.class, List.of(words));
    }

    private static Bad npe(String label, Consumer<WebSocketServer.Builder> setting, String... words) {
        return new Bad(label, setting, NullPointerException.class, List.of(words));
    }

    /** Duration options that must be more than zero and at most a day. */
    private static List<Bad> positiveDuration(String option, java.util.function.BiConsumer<WebSocketServer.Builder,
            Duration> setter) {
        return List.of(
                npe(option + "(null)", b -> setter.accept(b, null), option),
                iae(option + "(0)", b -> setter.accept(b, Duration.ZERO), option, "more than 0", "1 d"),
                iae(option + "(-1 s)", b -> setter.accept(b, Duration.ofSeconds(-1)), option, "more than 0"),
                iae(option + "(1 d + 1 ns)", b -> setter.accept(b, JUST_OVER_A_DAY), option, "at most 1 d"),
                iae(option + "(huge)", b -> setter.accept(b, HUGE), option, "at most 1 d"));
    }

    /** Duration options where zero means off. */
    private static List<Bad> offOrPositiveDuration(String option, java.util.function.BiConsumer<WebSocketServer.Builder,
            Duration> setter) {
        return List.of(
                npe(option + "(null)", b -> setter.accept(b, null), option),
                iae(option + "(-1 ns)", b -> setter.accept(b, Duration.ofNanos(-1)), option, "[0 (off), 1 d]"),
                iae(option + "(1 d + 1 ns)", b -> setter.accept(b, JUST_OVER_A_DAY), option, "[0 (off), 1 d]"),
                iae(option + "(huge)", b -> setter.accept(b, HUGE), option, "[0 (off), 1 d]"));
    }

    static Stream<Arguments> badSettings() {
        List<Bad> bad = new ArrayList<>();
        // listeners
        bad.add(npe("host(null)", b -> b.host(null), "host"));
        bad.add(iae("host(\"\")", b -> b.host(""), "host"));
        bad.add(iae("host(\" \")", b -> b.host(" "), "host"));
        bad.add(iae("host(\"a b\")", b -> b.host("a b"), "host"));
        bad.add(iae("host unresolvable", b -> b.host("no-such-host.invalid"), "host", "resolve"));
        bad.add(iae("port(-1)", b -> b.port(-1), "port", "[0, 65535]"));
        bad.add(iae("port(65536)", b -> b.port(65536), "port", "[0, 65535]"));
        bad.add(iae("tlsPort(-1)", b -> b.tlsPort(-1), "tlsPort", "[0, 65535]"));
        bad.add(iae("tlsPort(65536)", b -> b.tlsPort(65536), "tlsPort", "[0, 65535]"));
        bad.add(ise("tlsPort without tls", b -> b.tlsPort(8443), "tlsPort", "tls"));
        bad.add(iae("tlsPort == port", b -> b.port(8443).tlsPort(8443).tls(Path.of("c.pem"), Path.of("k.pem")),
                "tlsPort", "port", "8443"));
        bad.add(npe("transport(null)", b -> b.transport(null), "transport"));
        bad.add(iae("transport(\"\")", b -> b.transport(""), "transport"));
        bad.add(iae("transport(\" \")", b -> b.transport(" "), "transport"));
        bad.add(ise("TLS transport without tls", b -> b.transport("jdk-tls"), "transport", "jdk-tls", "tls("));
        bad.add(ise("plain transport for a TLS-only server",
                b -> b.transport("nio").tls(Path.of("c.pem"), Path.of("k.pem")), "transport", "nio", "tlsPort"));
        bad.add(npe("tls(null)", b -> b.tls((dev.sleet.server.TlsConfig) null), "tls"));
        bad.add(npe("tls(null, key)", b -> b.tls(null, Path.of("k.pem")), "tls"));
        bad.add(npe("tls(cert, null)", b -> b.tls(Path.of("c.pem"), null), "tls"));
        // handlers
        bad.add(npe("handler(null)", b -> b.handler(null), "handler"));
        bad.add(npe("httpHandler(null)", b -> b.httpHandler(null), "httpHandler"));
        // handshake
        bad.add(npe("subprotocols(null)", b -> b.subprotocols((String[]) null), "subprotocols"));
        bad.add(npe("subprotocols(null element)", b -> b.subprotocols("chat", null), "subprotocols[1]"));
        for (String notToken : List.of("", "a b", "chat,v1", "x/y", "a;b", "\"q\"", "tab\t", "ü", "a=b", "{}")) {
            bad.add(iae("subprotocols(\"" + notToken + "\")", b -> b.subprotocols("ok", notToken), "subprotocols",
                    "token"));
        }
        bad.add(iae("subprotocols twice", b -> b.subprotocols("chat", "chat"), "subprotocols", "twice"));
        bad.add(npe("allowedOrigins(null)", b -> b.allowedOrigins((String[]) null), "allowedOrigins"));
        bad.add(npe("allowedOrigins(null element)", b -> b.allowedOrigins("https://a.com", null),
                "allowedOrigins[1]"));
        for (String notOrigin : List.of("", "example.com", "https://", "https://a.com/path", "https://a.com:99999",
                "https://a.com:", "*.example.com", "https://a..com", "1http://a.com", "https://*.[::1]")) {
            bad.add(iae("allowedOrigins(\"" + notOrigin + "\")", b -> b.allowedOrigins(notOrigin), "allowedOrigins"));
        }
        bad.add(npe("extension((String) null)", b -> b.extension((String) null), "extension"));
        bad.add(npe("extension((ExtensionProvider) null)", b -> b.extension((ExtensionProvider) null), "extension"));
        bad.add(iae("extension(unknown name)", b -> b.extension("x-no-such-extension"), "extension",
                "x-no-such-extension"));
        bad.add(iae("extension enabled twice", b -> b.extension(new FakeExtension("x-fake", true))
                .extension(new FakeExtension("X-Fake", true)), "extension", "twice"));
        bad.add(ise("extension not available", b -> b.extension(new FakeExtension("x-fake", false)), "extension",
                "not available"));
        bad.add(iae("extension name not a token", b -> b.extension(new FakeExtension("x fake", true)), "extension",
                "token"));
        bad.add(npe("httpLimits(null)", b -> b.httpLimits(null), "httpLimits"));
        bad.add(iae("httpLimits request line too long",
                b -> b.httpLimits(HttpLimits.defaults().withMaxRequestLineLength((1 << 20) + 1)),
                "httpLimits.maxRequestLineLength", "[16, 1048576]"));
        bad.add(iae("httpLimits too many headers",
                b -> b.httpLimits(HttpLimits.defaults().withMaxHeaderCount(10_001)),
                "httpLimits.maxHeaderCount", "[1, 10000]"));
        bad.add(iae("httpLimits header bytes too many",
                b -> b.httpLimits(HttpLimits.defaults().withMaxHeaderBytes(Integer.MAX_VALUE)),
                "httpLimits.maxHeaderBytes", "[64, 1048576]"));
        // sizes
        bad.add(iae("maxMessageSize(0)", b -> b.maxMessageSize(0), "maxMessageSize", "[1, " + MAX_MESSAGE + "]"));
        bad.add(iae("maxMessageSize(-1)", b -> b.maxMessageSize(-1), "maxMessageSize", "[1, " + MAX_MESSAGE + "]"));
        bad.add(iae("maxMessageSize(assembler max + 1)", b -> b.maxMessageSize(MAX_MESSAGE + 1), "maxMessageSize",
                "[1, " + MAX_MESSAGE + "]"));
        bad.add(iae("maxMessageSize(Long.MAX_VALUE)", b -> b.maxMessageSize(Long.MAX_VALUE), "maxMessageSize"));
        bad.add(iae("maxFrameSize(0)", b -> b.maxFrameSize(0), "maxFrameSize", "[1, " + MAX_MESSAGE + "]"));
        bad.add(iae("maxFrameSize(-1)", b -> b.maxFrameSize(-1), "maxFrameSize"));
        bad.add(iae("maxFrameSize(Long.MAX_VALUE)", b -> b.maxFrameSize(Long.MAX_VALUE), "maxFrameSize"));
        bad.add(iae("maxFrameSize > maxMessageSize", b -> b.maxMessageSize(1000).maxFrameSize(1001), "maxFrameSize",
                "maxMessageSize = 1000", "1001"));
        bad.add(iae("maxFrameSize > default maxMessageSize", b -> b.maxFrameSize(Defaults.MAX_MESSAGE_SIZE + 1),
                "maxFrameSize", "maxMessageSize"));
        bad.add(iae("maxQueuedBytes(0)", b -> b.maxQueuedBytes(0), "maxQueuedBytes", "[1, "));
        bad.add(iae("maxQueuedBytes(-1)", b -> b.maxQueuedBytes(-1), "maxQueuedBytes"));
        bad.add(npe("overflowPolicy(null)", b -> b.overflowPolicy(null), "overflowPolicy"));
        // connections
        bad.add(iae("maxConnections(0)", b -> b.maxConnections(0), "maxConnections", "[1, 2147483647]"));
        bad.add(iae("maxConnections(-1)", b -> b.maxConnections(-1), "maxConnections"));
        bad.add(iae("maxConnectionsPerAddress(-1)", b -> b.maxConnectionsPerAddress(-1), "maxConnectionsPerAddress",
                "[0, 2147483647]", "0 = off"));
        bad.add(iae("maxConnectionsPerAddress > maxConnections",
                b -> b.maxConnections(10).maxConnectionsPerAddress(11), "maxConnectionsPerAddress",
                "maxConnections = 10", "11"));
        // times
        bad.addAll(positiveDuration("handshakeTimeout", WebSocketServer.Builder::handshakeTimeout));
        bad.addAll(positiveDuration("connectDecisionTimeout", WebSocketServer.Builder::connectDecisionTimeout));
        bad.addAll(positiveDuration("pongTimeout", WebSocketServer.Builder::pongTimeout));
        bad.addAll(positiveDuration("closeTimeout", WebSocketServer.Builder::closeTimeout));
        bad.addAll(offOrPositiveDuration("idleTimeout", WebSocketServer.Builder::idleTimeout));
        bad.addAll(offOrPositiveDuration("pingInterval", WebSocketServer.Builder::pingInterval));
        bad.add(npe("acceptBackoff(null)", b -> b.acceptBackoff(null), "acceptBackoff"));
        bad.add(iae("acceptBackoff(0)", b -> b.acceptBackoff(Duration.ZERO), "acceptBackoff", "[1 ms, 1 min]"));
        bad.add(iae("acceptBackoff(-1 s)", b -> b.acceptBackoff(Duration.ofSeconds(-1)), "acceptBackoff",
                "[1 ms, 1 min]"));
        bad.add(iae("acceptBackoff(999 us)", b -> b.acceptBackoff(Duration.ofNanos(999_000)), "acceptBackoff",
                "[1 ms, 1 min]"));
        bad.add(iae("acceptBackoff(1 min + 1 ms)", b -> b.acceptBackoff(Duration.ofMillis(60_001)), "acceptBackoff",
                "[1 ms, 1 min]"));
        bad.add(iae("acceptBackoff(huge)", b -> b.acceptBackoff(HUGE), "acceptBackoff", "[1 ms, 1 min]"));
        // threads and ids
        bad.add(iae("eventLoops(0)", b -> b.eventLoops(0), "eventLoops", "[1, 1024]"));
        bad.add(iae("eventLoops(1025)", b -> b.eventLoops(1025), "eventLoops", "[1, 1024]"));
        bad.add(iae("workers(0)", b -> b.workers(0), "workers", "[1, 1024]"));
        bad.add(iae("workers(1025)", b -> b.workers(1025), "workers", "[1, 1024]"));
        bad.add(npe("actorSystem(null)", b -> b.actorSystem(null), "actorSystem"));
        bad.add(iae("nodeId(-1)", b -> b.nodeId(-1), "nodeId", "[0, 65535]"));
        bad.add(iae("nodeId(65536)", b -> b.nodeId(65536), "nodeId", "[0, 65535]"));
        return bad.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void badSettingIsRefusedNamingTheOption(Bad bad) {
        Exception e = assertThrows(bad.type(), () -> {
            WebSocketServer.Builder b = base();
            bad.setting().accept(b);
            b.start().close(); // reached only if nothing refused the setting: the assertion then fails
        });
        assertNotNull(e.getMessage(), bad.label());
        for (String word : bad.words()) {
            assertTrue(e.getMessage().contains(word),
                    bad.label() + ": message should contain \"" + word + "\": " + e.getMessage());
        }
    }

    @Test
    void missingHandlerIsRefusedAtStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WebSocketServer.builder().host("127.0.0.1").port(0).start());
        assertTrue(e.getMessage().contains("handler"), e.getMessage());
    }

    @Test
    void workersWithAnActorSystemIsRefused() throws Exception {
        try (ActorSystem system = ActorSystem.builder().name("given").workers(1).build()) {
            WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0)
                    .handler(new RecordingHandler()).actorSystem(system).workers(2);
            IllegalStateException e = assertThrows(IllegalStateException.class, b::start);
            assertTrue(e.getMessage().contains("workers") && e.getMessage().contains("actorSystem"), e.getMessage());
        }
    }

    @Test
    void anActorSystemThatWasShutDownIsRefused() {
        ActorSystem system = ActorSystem.builder().name("gone").workers(1).build();
        system.close();
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).actorSystem(system);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::start);
        assertTrue(e.getMessage().contains("actorSystem"), e.getMessage());
    }

    @Test
    void defaultsAreResolvedAtStart() {
        ServerConfig c = WebSocketServer.builder().handler(new RecordingHandler()).config();
        assertEquals(Defaults.HANDSHAKE_TIMEOUT, c.decisionTimeout(), "decision timeout defaults to the handshake's");
        assertEquals(Defaults.maxConnections(), c.maxConnections());
        assertTrue(c.maxConnections() >= 1);
        assertEquals(0, c.maxConnectionsPerAddress());
        assertEquals(Duration.ofSeconds(1), c.acceptBackoff());
        assertEquals(c.maxMessageSize(), c.maxFrameSize(), "the frame limit defaults to the message limit");

        ServerConfig later = WebSocketServer.builder().handler(new RecordingHandler())
                .handshakeTimeout(Duration.ofSeconds(3)).config();
        assertEquals(Duration.ofSeconds(3), later.decisionTimeout(), "follows a changed handshake timeout");
        ServerConfig own = WebSocketServer.builder().handler(new RecordingHandler())
                .handshakeTimeout(Duration.ofSeconds(3)).connectDecisionTimeout(Duration.ofSeconds(7)).config();
        assertEquals(Duration.ofSeconds(7), own.decisionTimeout());
        assertEquals(Duration.ofSeconds(3), own.handshakeTimeout());
    }

    @Test
    void defaultMaxConnectionsFollowsTheDescriptorLimit() {
        long fds = Defaults.maxDescriptors();
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertTrue(fds > 0, "jdk.management's UnixOperatingSystemMXBean is readable on the module path");
        }
        assertEquals(Defaults.maxConnectionsFor(fds), Defaults.maxConnections());
        assertEquals(20_000 - 64, Defaults.maxConnectionsFor(20_000));
        assertEquals(1, Defaults.maxConnectionsFor(10));
        assertEquals(Integer.MAX_VALUE, Defaults.maxConnectionsFor(Long.MAX_VALUE));
        assertEquals(10_000, Defaults.maxConnectionsFor(-1));
    }

    @Test
    void aNamedTransportOfTheRightKindIsAccepted() {
        assertEquals("nio", base().transport("nio").config().transport());
        assertEquals("jdk-tls", base().transport("jdk-tls").tls(Path.of("c.pem"), Path.of("k.pem")).config()
                .transport());
        assertEquals("nio", base().transport("nio").tlsPort(0).tls(Path.of("c.pem"), Path.of("k.pem")).config()
                .transport(), "a plain transport for the plain listener beside a TLS one");
        assertEquals("no-such", base().transport("no-such").config().transport(),
                "an unknown name is left to start(), whose TransportException lists the names found");
    }

    @Test
    void tlsPortAndPortMayBothBeZero() {
        ServerConfig c = base().port(0).tlsPort(0).tls(Path.of("c.pem"), Path.of("k.pem")).config();
        assertEquals(0, c.tlsPort());
    }

    @Test
    void upperEdgeValuesAreAcceptedAndTheServerServes() throws Exception {
        try (WebSocketServer server = base()
                .maxMessageSize(MAX_MESSAGE)
                .maxFrameSize(MAX_MESSAGE)
                .maxQueuedBytes(Long.MAX_VALUE)
                .maxConnections(Integer.MAX_VALUE)
                .maxConnectionsPerAddress(Integer.MAX_VALUE)
                .httpLimits(new HttpLimits(1 << 20, 10_000, 1 << 20))
                .handshakeTimeout(DAY)
                .connectDecisionTimeout(DAY)
                .idleTimeout(DAY)
                .pingInterval(DAY)
                .pongTimeout(DAY)
                .closeTimeout(DAY)
                .acceptBackoff(Duration.ofMinutes(1))
                .nodeId(65535)
                .subprotocols("chat.v2", "a!#$%&'*+-.^_`|~Z9")
                .allowedOrigins("https://app.example.com", "https://*.example.org:8443", "null", "http://[::1]:8080")
                .start()) {
            assertEchoes(server);
        }
    }

    @Test
    void lowerEdgeValuesAreAcceptedAndTheServerServes() throws Exception {
        try (WebSocketServer server = base()
                .maxMessageSize(2)
                .maxFrameSize(1)
                .maxQueuedBytes(64) // 1 is accepted too (checked below), but then the echo may meet the 101 in the queue
                .maxConnections(1)
                .maxConnectionsPerAddress(1)
                .httpLimits(new HttpLimits(16, 10, 1024))
                .handshakeTimeout(Duration.ofSeconds(20)) // 1 ns is accepted too, but would drop our client
                .connectDecisionTimeout(Duration.ofSeconds(20))
                .idleTimeout(Duration.ZERO)
                .pingInterval(Duration.ZERO)
                .pongTimeout(Duration.ofNanos(1))
                .closeTimeout(Duration.ofNanos(1))
                .acceptBackoff(Duration.ofMillis(1))
                .nodeId(0)
                .start()) {
            // a message of 2 bytes sent as two 1-byte frames fits both limits
            try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
                ws.sendFrame(false, 0, dev.sleet.frame.Opcode.TEXT, new byte[] {'o'});
                ws.sendFrame(true, 0, dev.sleet.frame.Opcode.CONTINUATION, new byte[] {'k'});
                assertEquals("ok", ws.readFrame(Duration.ofSeconds(10)).text());
            }
        }
        assertNotNull(base().handshakeTimeout(Duration.ofNanos(1)).connectDecisionTimeout(Duration.ofNanos(1))
                .maxQueuedBytes(1).eventLoops(1024).workers(1024).port(65535).config());
    }

    /** The known bug: a message limit the assembler could not take passed the builder and hung every connection. */
    @Test
    void theLargestMessageLimitStillOpensConnections() throws Exception {
        try (WebSocketServer server = base().maxMessageSize(MAX_MESSAGE).start()) {
            assertEchoes(server);
        }
    }

    private static void assertEchoes(WebSocketServer server) throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("héllo");
            assertEquals("héllo", ws.readFrame(Duration.ofSeconds(10)).text());
        }
    }

    /** An extension provider that offers nothing; only its name and availability matter here. */
    private record FakeExtension(String name, boolean isAvailable) implements ExtensionProvider {
        @Override
        public Optional<ExtensionAgreement> negotiate(List<ExtensionOffer> offers) {
            return Optional.empty();
        }
    }
}
