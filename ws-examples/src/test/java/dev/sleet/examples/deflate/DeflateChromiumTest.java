package dev.sleet.examples.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.deflate.DeflateMetrics;
import dev.sleet.deflate.PerMessageDeflate;
import dev.sleet.examples.ChatServer;
import dev.sleet.examples.EchoServer;
import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate with a real browser: headless Chromium always offers it ({@code permessage-deflate;
 * client_max_window_bits}) and compresses what it sends. The chat example with {@code --deflate} works in two pages,
 * and a page round-trips text and binary messages up to 16 MiB through the echo example. The server's counters show
 * the browser's messages were inflated and the server's deflated. Skips, loudly, without Chromium ({@code .ci/run}
 * installs it).
 */
class DeflateChromiumTest {

    static Optional<Path> chromium() {
        Optional<Path> c = HeadlessChromium.find();
        if (c.isEmpty()) {
            System.err.println("\n*** SKIPPED DeflateChromiumTest: no Chromium found (install Debian 'chromium', or "
                    + "set SLEET_CHROMIUM); .ci/run installs it so this runs in CI ***\n");
        }
        return c;
    }

    @Test
    void chatWithDeflateInTwoPages() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: apt-get install chromium (CI does)");
        DeflateMetrics before = PerMessageDeflate.metrics();
        try (Rooms rooms = Rooms.create();
                WebSocketServer server = ChatServer.builder(rooms, "127.0.0.1", 0, null, null)
                        .extension("permessage-deflate").start();
                HeadlessChromium browser = HeadlessChromium.launch(chromium.get())) {
            String base = "http://127.0.0.1:" + server.port() + "/?autojoin";
            HeadlessChromium.Page ann = browser.open(base + "&name=ann&room=lobby");
            HeadlessChromium.Page bob = browser.open(base + "&name=bob&room=lobby");
            String both = "[...document.querySelectorAll('#members li')].map(li => li.textContent).join(',') === 'ann,bob'";
            ann.await(both, Duration.ofSeconds(20));
            bob.await(both, Duration.ofSeconds(20));
            String text = "compressed hello from ann, long enough to be worth deflating: "
                    + "lorem ipsum dolor sit amet ".repeat(4);
            ann.eval("document.getElementById('text').value = '" + text + "'; document.getElementById('send').click(); true");
            bob.await("[...document.querySelectorAll('#messages li')].some(li => li.textContent === 'ann" + text + "')",
                    Duration.ofSeconds(20));
        }
        DeflateMetrics after = PerMessageDeflate.metrics();
        assertTrue(after.messagesInflated() > before.messagesInflated(), "the browser's message arrived compressed");
        assertTrue(after.messagesCompressed() > before.messagesCompressed(), "the server compressed what it sent");
    }

    @Test
    void pageEchoesTextAndBinaryUpTo16MiB() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: apt-get install chromium (CI does)");
        DeflateMetrics before = PerMessageDeflate.metrics();
        try (WebSocketServer server = EchoServer.builder("127.0.0.1", 0, null, null).extension("permessage-deflate")
                .start();
                HeadlessChromium browser = HeadlessChromium.launch(chromium.get())) {
            HeadlessChromium.Page page = browser.open("about:blank");
            String result = page.eval("""
                    new Promise((resolve) => {
                      const ws = new WebSocket('ws://127.0.0.1:%d/');
                      ws.binaryType = 'arraybuffer';
                      const make = (n, seed) => { let s = ''; let i = seed;
                        while (s.length < n) { s += '{"from":"u' + (i++ %% 89) + '","text":"' + (i * 7919 %% 65521) + '"}'; }
                        return s.substring(0, n); };
                      const sent = [];
                      const log = [];
                      ws.onopen = () => {
                        for (const n of [3, 500, 16 * 1024 * 1024]) {
                          const t = make(n, n); sent.push(t); ws.send(t);
                          const b = new TextEncoder().encode(make(n, n + 1)); sent.push(b); ws.send(b);
                        }
                      };
                      ws.onmessage = (e) => {
                        const want = sent[log.length];
                        let ok;
                        if (typeof want === 'string') { ok = e.data === want; }
                        else { const got = new Uint8Array(e.data); ok = got.length === want.length && got.every((v, i) => v === want[i]); }
                        log.push((typeof want === 'string' ? 'text' : 'binary') + ':' + want.length + ':' + ok);
                        if (log.length === sent.length) { resolve(ws.extensions + '|' + log.join(',')); ws.close(); }
                      };
                      ws.onerror = () => resolve('error|' + log.join(','));
                    })""".formatted(server.port()));
            assertEquals("permessage-deflate|text:3:true,binary:3:true,text:500:true,binary:500:true,"
                    + "text:16777216:true,binary:16777216:true", result);
        }
        DeflateMetrics after = PerMessageDeflate.metrics();
        assertTrue(after.messagesInflated() - before.messagesInflated() >= 4, "the browser compressed its messages");
        assertTrue(after.messagesCompressed() - before.messagesCompressed() >= 4, "the server compressed its echoes");
    }
}
