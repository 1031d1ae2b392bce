package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.testkit.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * When {@code accept} fails because the process has no descriptors left (EMFILE), the server pauses accepting
 * instead of spinning on a listener that stays ready, logs once per pause, keeps serving open connections, and
 * resumes by itself once descriptors are free. Before connection core v2 the accept loop spun at 100 % of a core,
 * logging about 150,000 lines a second and serving nobody.
 *
 * <p>The test exhausts this JVM's own descriptors (it runs the server in-process), so it skips where the limit is
 * too high to exhaust quickly.
 */
class AcceptPausesWhenDescriptorsRunOutTest {
    static final String UPGRADE = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private static long maxOpenFiles() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return -1;
    }

    @Test
    void acceptPausesAndResumesWhileOpenConnectionsKeepWorking() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/limits")), "no /proc/self/limits: cannot exhaust descriptors");
        long limit = maxOpenFiles();
        assumeTrue(limit > 0 && limit <= 200_000, "descriptor limit " + limit + " is too high to exhaust in a test");

        CountDownLatch paused = new CountDownLatch(1);
        AtomicInteger pauses = new AtomicInteger();
        AtomicInteger acceptFailures = new AtomicInteger();
        Logger jul = Logger.getLogger("dev.sleet.server.internal.ServerCore");
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = String.valueOf(r.getMessage());
                if (m.contains("accept")) {
                    acceptFailures.incrementAndGet();
                }
                if (m.contains("pausing accepts")) {
                    pauses.incrementAndGet();
                    paused.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(counter);
        List<FileChannel> hog = new ArrayList<>();
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .eventLoops(1).start();
                RawWebSocket open = RawWebSocket.connect(server.port())) {
            handler.awaitOpen();
            // Warm up: with no descriptors left, classes not loaded yet cannot be loaded from class directories.
            open.sendText("warm-up");
            assertEquals("warm-up", open.readFrame(Duration.ofSeconds(20)).text());
            // Sockets for the late clients exist before the process runs out.
            List<SocketChannel> lates = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                lates.add(SocketChannel.open());
            }
            SocketChannel late = null;
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch exhausted = new CountDownLatch(1);
            // A grabber takes every descriptor and keeps taking any that comes free (a cleaner closing some other
            // socket, say), so the server's accept keeps failing until the test lets go.
            Thread grabber = Thread.ofPlatform().daemon().name("descriptor-grabber").start(() -> {
                Path devNull = Path.of("/dev/null");
                while (!stop.get()) {
                    try {
                        FileChannel f = FileChannel.open(devNull, StandardOpenOption.READ);
                        synchronized (hog) {
                            hog.add(f);
                        }
                    } catch (IOException e) {
                        exhausted.countDown();
                        LockSupport.parkNanos(100_000);
                    }
                }
            });
            try {
                assertTrue(exhausted.await(60, TimeUnit.SECONDS), "descriptors ran out");
                for (SocketChannel candidate : lates) {
                    candidate.connect(new InetSocketAddress("127.0.0.1", server.port())); // the kernel completes it
                    candidate.write(ByteBuffer.wrap(UPGRADE.getBytes(StandardCharsets.US_ASCII)));
                    late = candidate;
                    if (paused.await(10, TimeUnit.SECONDS)) {
                        break; // (an accept that slipped through a freed descriptor just makes us try again)
                    }
                }
                assertTrue(paused.getCount() == 0, "the server paused accepting");
                for (int i = 0; i < 50; i++) { // an open connection is served meanwhile
                    open.sendText("still served " + i);
                    assertEquals("still served " + i, open.readFrame(Duration.ofSeconds(20)).text());
                }
                int failuresWhileExhausted = acceptFailures.get();
                assertTrue(failuresWhileExhausted <= 10, "one log line per pause, not a spin: "
                        + failuresWhileExhausted);
            } finally {
                stop.set(true);
                grabber.join(10_000);
                synchronized (hog) {
                    for (FileChannel f : hog) {
                        f.close();
                    }
                    hog.clear();
                }
            }
            // Descriptors are back: the waiting client is accepted when the pause ends, without any help.
            ByteBuffer in = ByteBuffer.allocate(1024);
            assertTrue(late != null);
            late.configureBlocking(true);
            late.socket().setSoTimeout(30_000);
            String response = "";
            while (!response.contains("\r\n\r\n")) {
                if (late.read(in) < 0) {
                    break;
                }
                response = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            }
            assertTrue(response.startsWith("HTTP/1.1 101"), "accepted after the pause: " + response);
            for (SocketChannel c : lates) {
                c.close();
            }
        } finally {
            synchronized (hog) {
                for (FileChannel f : hog) {
                    f.close();
                }
            }
            jul.removeHandler(counter);
        }
    }
}
