package dev.sleet.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chat example in a real browser: two headless Chromium pages load the page from the server, join the same
 * room, see each other in the member list, exchange a message, and a closed page disappears from the other's
 * list. Skips, loudly, when Chromium is not installed ({@code .ci/run} installs it).
 */
class ChatBrowserTest {

    @Test
    void twoPagesChatAndAClosedPageLeavesTheMemberList() throws Exception {
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
            HeadlessChromium.Page bob = browser.open(base + "&name=bob&room=lobby");
            String bothListed = "[...document.querySelectorAll('#members li')].map(li => li.textContent).join(',')"
                    + " === 'ann,bob'";
            ann.await(bothListed, Duration.ofSeconds(20));
            bob.await(bothListed, Duration.ofSeconds(20));

            ann.eval("document.getElementById('text').value = 'hello from ann ✓';"
                    + " document.getElementById('send').click(); true");
            bob.await("[...document.querySelectorAll('#messages li')].some(li => li.textContent === 'annhello from ann ✓')",
                    Duration.ofSeconds(20));

            ann.close();
            bob.await("[...document.querySelectorAll('#members li')].map(li => li.textContent).join(',') === 'bob'",
                    Duration.ofSeconds(20));
        }
    }
}
