package dev.sleet.handshake;

import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.handshake.internal.ServerRequests;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code UpgradeRequest.cookies()}: the {@code Cookie} header as RFC 6265 §4.2.1/§5.4 and browsers send it. */
class UpgradeRequestCookieParsingTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50123);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);

    private static UpgradeRequest with(String... cookieFields) {
        StringBuilder extra = new StringBuilder();
        for (String f : cookieFields) {
            extra.append("Cookie: ").append(f).append("\r\n");
        }
        return TestRequests.upgrade(parse(MINIMAL.replace("Upgrade: websocket\r\n",
                "Upgrade: websocket\r\n" + extra)), REMOTE, LOCAL);
    }

    @Test
    void theRfcFormIsRead() { // RFC 6265 §4.2.1: cookie-pair *( ";" SP cookie-pair )
        UpgradeRequest r = with("SID=31d4d96e407aad42; lang=en-US");
        assertEquals(Map.of("SID", "31d4d96e407aad42", "lang", "en-US"), r.cookies());
        assertEquals(List.of("SID", "lang"), List.copyOf(r.cookies().keySet()), "in the order sent");
        assertEquals(Optional.of("en-US"), r.cookie("lang"));
        assertEquals(Optional.empty(), r.cookie("LANG"), "names are case-sensitive");
    }

    @Test
    void noCookieHeaderIsNoCookies() {
        assertEquals(Map.of(), with().cookies());
        assertEquals(Optional.empty(), with().cookie("SID"));
    }

    @Test
    void whitespaceAndEmptyPiecesAreToleratedAsBrowsersSendThem() {
        assertEquals(Map.of("a", "1", "b", "2", "c", ""), with("a=1;b=2 ;  c= ;;").cookies());
        assertEquals(Map.of("a", "1"), with(" a = 1 ").cookies());
    }

    @Test
    void quotedValuesLoseTheirQuotes() { // RFC 6265 §4.1.1 cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
        assertEquals(Optional.of("hello"), with("q=\"hello\"").cookie("q"));
        assertEquals(Optional.of("\""), with("q=\"").cookie("q"), "a lone quote is a value");
    }

    @Test
    void valuesKeepWhatBrowsersPutInThem() {
        UpgradeRequest r = with("token=a=b==; list=x,y; sp=two words");
        assertEquals(Optional.of("a=b=="), r.cookie("token"), "base64 padding survives: split at the first '='");
        assertEquals(Optional.of("x,y"), r.cookie("list"));
        assertEquals(Optional.of("two words"), r.cookie("sp"));
    }

    @Test
    void utf8BytesAreDecoded() {
        String raw = new String("name=café".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(Optional.of("café"), with(raw).cookie("name"));
    }

    @Test
    void malformedPairsAreSkippedNotTheHeader() {
        UpgradeRequest r = with("bare; =nameless; bad name=1; b@d=2; ok=yes; (x)=3");
        assertEquals(Map.of("ok", "yes"), r.cookies());
    }

    @Test
    void theFirstValueOfARepeatedNameWins() { // §5.4: longer paths first
        assertEquals(Optional.of("specific"), with("id=specific; id=general").cookie("id"));
    }

    @Test
    void severalCookieFieldsAreOneList() { // as an HTTP/2 proxy may forward them
        UpgradeRequest r = with("a=1", "b=2; a=ignored");
        assertEquals(Map.of("a", "1", "b", "2"), r.cookies());
    }

    @Test
    void theViewsCopiesSeeTheSameCookies() {
        UpgradeRequest r = ServerRequests.withPathParams(with("a=1"), Map.of("p", "v"));
        assertEquals(Optional.of("1"), r.cookie("a"));
    }
}
