package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisCluster;
import dev.sleet.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Two chat servers in two JVMs — started the way {@code ./sleet chat --redis ...} starts one, with
 * {@code java -p ... -m dev.sleet.examples/dev.sleet.examples.ChatServer}, so a missing {@code requires} shows
 * here and not only in production — sharing one real Redis, with real clients on each: the newcomer's member list,
 * join events and messages cross between the processes; when one process is killed (SIGKILL, no clean-up) the
 * other's presence re-read sends its members a leave for each of the dead process's members once their presence
 * expires — and each join and leave reaches a member once, live or from the re-read, never both.
 */
class ChatRedisTwoProcessesTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

    RedisServer redis;
    RedisCluster redisCluster;
    final List<Process> processes = new ArrayList<>();

    /** A chat process and the port it reported. */
    record Node(Process process, int port, List<String> output) {
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.close();
        }
        if (redisCluster != null) {
            redisCluster.close();
        }
    }

    private Node startChat(String redisUri, String... extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String modulePath = System.getProperty("jdk.module.path");
        Assumptions.assumeTrue(modulePath != null, "the tests run on the module path");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto")); // no Unsafe flag: nothing needs it
        cmd.addAll(List.of("-p", modulePath, "-m", "dev.sleet.examples/dev.sleet.examples.ChatServer",
                "--host", "127.0.0.1", "--port", "0", "--redis", redisUri));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    lines.offer(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new Node(p, Integer.parseInt(m.group(1)), output);
                }
            } else if (!p.isAlive()) {
                break;
            }
        }
        throw new AssertionError("the chat did not start; it said: " + output);
    }

    private static RawWebSocket join(Node node, String name) throws IOException {
        return RawWebSocket.connect(node.port(), "/chat?room=lobby&name=" + name, "");
    }

    /** Reads text frames until one contains {@code fragment}. */
    private static String until(RawWebSocket ws, String fragment) throws IOException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(10));
            if (f == null) {
                break;
            }
            if (f.text().contains(fragment)) {
                return f.text();
            }
            seen.add(f.text());
        }
        throw new AssertionError("never saw " + fragment + "; saw " + seen);
    }

    @Test
    void twoChatProcessesShareARoomThroughRedis() throws Exception {
        Assumptions.assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        redis = RedisServer.start();
        String uri = redis.uri() + "?prefix=chat2p:&presenceTtl=1s";
        Node a = startChat(uri, "--presence-sync", "1");
        Node b = startChat(uri, "--presence-sync", "1");
        assertTrue(a.output().stream().anyMatch(l -> l.contains("shares its rooms through redis://127.0.0.1:")),
                a.output().toString());

        try (RawWebSocket ann = join(a, "ann")) {
            assertEquals(List.of("ann"), ChatServerTest.memberNames(until(ann, "\"type\":\"members\"")));
            try (RawWebSocket bob = join(b, "bob")) {
                String bobId = idOf(until(bob, "\"type\":\"welcome\""));
                // The newcomer's list comes from Redis: ann is on the other process.
                assertEquals(List.of("ann", "bob"), ChatServerTest.memberNames(until(bob, "\"type\":\"members\"")));
                // ann hears of bob as a delta, across the processes.
                assertEquals("{\"type\":\"join\",\"id\":\"" + bobId + "\",\"name\":\"bob\"}",
                        until(ann, "\"type\":\"join\"")); // once: the list below shows no repeat
                ann.sendText("hello from A");
                assertEquals("{\"type\":\"message\",\"from\":\"ann\",\"text\":\"hello from A\"}",
                        until(bob, "hello from A"));
                until(ann, "hello from A"); // the chat echoes to the sender too, once
                bob.sendText("hello from B");
                until(ann, "hello from B");

                // The two processes claimed different connection-id prefixes from Redis.
                String na = a.output().stream().filter(l -> l.contains("prefixed")).findFirst().orElseThrow();
                String nb = b.output().stream().filter(l -> l.contains("prefixed")).findFirst().orElseThrow();
                assertNotEquals(prefixOf(na), prefixOf(nb), na + " / " + nb);

                // dave comes and goes on B normally: ann hears one join and one leave, live (B lives until then).
                String daveId;
                try (RawWebSocket dave = join(b, "dave")) {
                    daveId = idOf(until(dave, "\"type\":\"welcome\""));
                    until(dave, "\"type\":\"members\"");
                }
                List<String> seenDave = readUntil(ann, "\"type\":\"leave\",\"id\":\"" + daveId + "\",\"name\":\"dave\"");

                b.process().destroyForcibly(); // a crash: B says nothing to Redis on its way out
                assertTrue(b.process().waitFor(10, TimeUnit.SECONDS));
                bob.awaitEof(Duration.ofSeconds(5));
                // Nobody sent bob's leave; A's presence re-read finds him gone once B's presence expires. That takes
                // several re-reads, so any repeat of an event ann already had would have come before it.
                List<String> seen = new ArrayList<>(seenDave);
                seen.addAll(readUntil(ann, "\"type\":\"leave\",\"id\":\"" + bobId + "\""));
                assertEquals("{\"type\":\"leave\",\"id\":\"" + bobId + "\"}", seen.get(seen.size() - 1));
                assertEquals(List.of("{\"type\":\"join\",\"id\":\"" + daveId + "\",\"name\":\"dave\"}",
                        "{\"type\":\"leave\",\"id\":\"" + daveId + "\",\"name\":\"dave\"}",
                        "{\"type\":\"leave\",\"id\":\"" + bobId + "\"}"),
                        seen.stream().filter(t -> t.contains("\"type\":\"join\"") || t.contains("\"type\":\"leave\""))
                                .toList(), "each join and leave once: " + seen);
            }
            // Anyone joining A now is told the room's members, without bob.
            try (RawWebSocket carol = join(a, "carol")) {
                assertEquals(List.of("ann", "carol"),
                        ChatServerTest.memberNames(until(carol, "\"type\":\"members\"")));
            }
            ann.sendText("still here");
            until(ann, "still here");
        }
    }

    @Test
    void twoChatProcessesShareARoomThroughARedisCluster() throws Exception {
        Assumptions.assumeTrue(RedisCluster.tools().isPresent(), RedisCluster.MISSING);
        redisCluster = RedisCluster.start(3, 0, "chat-pw");
        String uri = redisCluster.uri() + "?prefix=chatc:&presenceTtl=1s";
        Node a = startChat(uri, "--presence-sync", "1");
        Node b = startChat(uri, "--presence-sync", "1");
        assertTrue(a.output().stream().anyMatch(l -> l.contains("shares its rooms through redis-cluster://127.0.0.1:")
                && !l.contains("chat-pw")), a.output().toString());
        try (RawWebSocket ann = join(a, "ann")) {
            assertEquals(List.of("ann"), ChatServerTest.memberNames(until(ann, "\"type\":\"members\"")));
            try (RawWebSocket bob = join(b, "bob")) {
                String bobId = idOf(until(bob, "\"type\":\"welcome\""));
                assertEquals(List.of("ann", "bob"), ChatServerTest.memberNames(until(bob, "\"type\":\"members\"")),
                        "the newcomer's list comes from the room's shard");
                assertEquals("{\"type\":\"join\",\"id\":\"" + bobId + "\",\"name\":\"bob\"}",
                        until(ann, "\"type\":\"join\""));
                ann.sendText("hello over shards");
                assertEquals("{\"type\":\"message\",\"from\":\"ann\",\"text\":\"hello over shards\"}",
                        until(bob, "hello over shards"));
                bob.sendText("and back");
                until(ann, "and back");
            }
        }
    }

    /** Every text frame up to and including the first that contains {@code fragment}. */
    private static List<String> readUntil(RawWebSocket ws, String fragment) throws IOException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(20));
            if (f == null) {
                break;
            }
            seen.add(f.text());
            if (f.text().contains(fragment)) {
                return seen;
            }
        }
        throw new AssertionError("never saw " + fragment + "; saw " + seen);
    }

    private static String idOf(String event) {
        Matcher m = Pattern.compile("\"id\":\"(-?\\d+)\"").matcher(event);
        assertTrue(m.find(), event);
        return m.group(1);
    }

    private static String prefixOf(String line) {
        Matcher m = Pattern.compile("prefixed (\\d+)").matcher(line);
        assertTrue(m.find(), line);
        return m.group(1);
    }
}
