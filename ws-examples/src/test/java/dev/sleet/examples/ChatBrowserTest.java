package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chat example in a real browser: headless Chromium pages load the page from the server under its
 * Content-Security-Policy (nothing blocked: its script and style load, its WebSocket connects), join the same
 * room, keep the member list from join/leave deltas as a third page comes and goes, exchange a message, and a
 * closed page disappears from the other's list. Skips, loudly, when Chromium is not installed ({@code .ci/run}
 * installs it).
 */
class ChatBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String LISTED = "[...document.querySelectorAll('#members li')].map(li => li.textContent)"
            + ".join(',') + '/' + (document.getElementById('count') || {}).textContent"; // null while loading

    @Test
    void pagesChatUnderTheirCspAndKeepTheMemberListFromDeltas() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        if (chromium.isEmpty()) {
            System.err.println("\n*** SKIPPED ChatBrowserTest: no Chromium found (install Debian 'chromium', or set "
                    + "SLEET_CHROMIUM); .ci/run installs it so this runs in CI ***\n");
        }
        assumeTrue(chromium.isPresent(), "Chromium is not installed: apt-get install chromium (CI does)");
        try (Rooms rooms = Rooms.create();
                WebSocketServer server = ChatServer.builder(rooms, "127.0.0.1", 0, null, null).start();
                HeadlessChromium browser = HeadlessChromium.launch(chromium.get())) {
            String base = "http://127.0.0.1:" + server.port() + "/?autojoin";
            HeadlessChromium.Page ann = browser.open(base + "&name=ann&room=lobby");
            ann.await(LISTED + " === 'ann/1'", WAIT);
            // Count what kinds of events ann's page gets from now on: deltas only, never a whole list.
            ann.eval("window.kinds = []; ws.addEventListener('message', (e) => kinds.push(JSON.parse(e.data).type));"
                    + " true");
            HeadlessChromium.Page bob = browser.open(base + "&name=bob&room=lobby");
            ann.await(LISTED + " === 'ann,bob/2'", WAIT);
            bob.await(LISTED + " === 'ann,bob/2'", WAIT);

            ann.eval("document.getElementById('text').value = 'hello from ann ✓';"
                    + " document.getElementById('send').click(); true");
            bob.await("[...document.querySelectorAll('#messages li')].some(li => li.textContent === 'annhello from ann ✓')",
                    WAIT);

            HeadlessChromium.Page carol = browser.open(base + "&name=carol&room=lobby");
            ann.await(LISTED + " === 'ann,bob,carol/3'", WAIT);
            carol.await(LISTED + " === 'ann,bob,carol/3'", WAIT);
            carol.close();
            ann.await(LISTED + " === 'ann,bob/2'", WAIT);
            bob.await(LISTED + " === 'ann,bob/2'", WAIT);
            assertEquals("join,message,join,leave", ann.eval("kinds.join(',')"));

            // The policy blocked nothing: the style applied, the script ran, the WebSocket connected (above).
            for (HeadlessChromium.Page p : new HeadlessChromium.Page[] {ann, bob}) {
                assertEquals("[]", p.eval("JSON.stringify(window.cspViolations)"));
                assertEquals("grid", p.eval("getComputedStyle(document.body).display"), "chat.css applied");
            }
            // ...and it is in force: an injected inline script does not run, and is reported.
            ann.eval("const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';"
                    + " document.body.append(s); true");
            ann.await("window.cspViolations.some(v => v.startsWith('script-src'))", WAIT);
            assertEquals("false", ann.eval("window.inlineRan === true"));

            ann.close();
            bob.await(LISTED + " === 'bob/1'", WAIT);
        }
    }
}
