package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A host name with several addresses: the client tries them in the resolver's order until one accepts, and when
 * none does, says so for each. Runs in its own surefire execution whose JVM resolves names from
 * {@code src/test/resources/client-host-addresses.hosts} ({@code -Djdk.net.hosts.file}), so a name can have a first
 * address where nothing listens (127.0.0.2, refused at once) and a second where a real Sleet server does.
 */
class ClientHostAddressesTest {
    static WebSocketServer server;
    static WebSocketClient client;

    @BeforeAll
    static void start() throws Exception {
        // Only ws-client's "host-addresses" execution sets the property; the default one excludes this class, but
        // -Dtest=... on the command line overrides excludes, and then this JVM cannot resolve the test's names.
        Assumptions.assumeTrue(System.getProperty("jdk.net.hosts.file") != null, "SKIPPED LOUDLY: "
                + "ClientHostAddressesTest runs in ws-client's host-addresses surefire execution (with "
                + "-Djdk.net.hosts.file), not in this JVM");
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new WebSocketHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                connection.send(message);
            }
        }).start();
        client = WebSocketClient.builder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(5));
        }
    }

    private static List<String> resolved(String host) throws Exception {
        return Arrays.stream(InetAddress.getAllByName(host)).map(InetAddress::getHostAddress).toList();
    }

    @Test
    void aRefusedFirstAddressGivesWayToTheNext() throws Exception {
        assertEquals(List.of("127.0.0.2", "127.0.0.1"), resolved("second-answers.sleet.test"),
                "this JVM resolves from the test's hosts file (-Djdk.net.hosts.file, set by ws-client's pom)");
        ClientEvents events = new ClientEvents();
        Connection c = client.connect(URI.create("ws://second-answers.sleet.test:" + server.port() + "/"), events)
                .toCompletableFuture().get();
        events.next(ClientEvents.Opened.class);
        assertEquals("127.0.0.1", c.remoteAddress().getAddress().getHostAddress());
        c.send("через второй адрес");
        assertEquals("через второй адрес", events.next(ClientEvents.Text.class).text());
        c.close(1000, "");
        assertEquals(1000, events.next(ClientEvents.Closed.class).status().code());
    }

    @Test
    void whenNoAddressAnswersTheFailureNamesEachOne() throws Exception {
        assertEquals(List.of("127.0.0.2", "127.0.0.3"), resolved("none-answers.sleet.test"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect(URI.create("ws://none-answers.sleet.test:" + server.port() + "/"),
                        new ClientEvents()).toCompletableFuture().get());
        ConnectFailedException last = assertInstanceOf(ConnectFailedException.class, e.getCause());
        assertEquals("127.0.0.3", last.address().getAddress().getHostAddress(), String.valueOf(last));
        assertEquals(1, last.getSuppressed().length, "the first address's failure rides along");
        ConnectFailedException first = assertInstanceOf(ConnectFailedException.class, last.getSuppressed()[0]);
        assertEquals("127.0.0.2", first.address().getAddress().getHostAddress());
    }
}
