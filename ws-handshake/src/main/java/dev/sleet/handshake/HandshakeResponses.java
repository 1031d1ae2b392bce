package dev.sleet.handshake;

import dev.sleet.handshake.internal.HeadWriter;
import dev.sleet.handshake.internal.HttpChars;
import dev.sleet.handshake.internal.StatusText;
import dev.sleet.handshake.spi.ExtensionOffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The responses that end an opening handshake (RFC 6455 §4.2.2): the 101 that switches the connection to
 * WebSocket, and the error responses that refuse it. Each method returns a new heap buffer, position 0, ready to
 * write.
 */
public final class HandshakeResponses {

    private HandshakeResponses() {
    }

    /**
     * The 101 response (RFC 6455 §4.2.2 item 5):
     * <pre>
     * HTTP/1.1 101 Switching Protocols
     * Upgrade: websocket
     * Connection: Upgrade
     * Sec-WebSocket-Accept: &lt;accept&gt;
     * Sec-WebSocket-Protocol: &lt;subprotocol&gt;         (only when one was chosen)
     * Sec-WebSocket-Extensions: &lt;accepted responses&gt;  (only when an extension was accepted)
     * </pre>
     */
    public static ByteBuffer switchingProtocols(HandshakeResult result) {
        return switchingProtocols(result, HttpHeaders.empty());
    }

    /**
     * The 101 response with extra fields after the negotiated ones (e.g. {@code Set-Cookie}).
     *
     * @throws IllegalArgumentException when {@code extra} holds a field the handshake owns ({@code Upgrade},
     *                                  {@code Connection}, {@code Content-Length}, {@code Transfer-Encoding} or a
     *                                  {@code Sec-WebSocket-*} field)
     */
    public static ByteBuffer switchingProtocols(HandshakeResult result, HttpHeaders extra) {
        for (int i = 0; i < extra.size(); i++) {
            String n = extra.name(i);
            if (n.regionMatches(true, 0, "Sec-WebSocket-", 0, 14) || n.equalsIgnoreCase("Upgrade")
                    || n.equalsIgnoreCase("Connection") || n.equalsIgnoreCase("Content-Length")
                    || n.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException(n + " is set by the handshake");
            }
        }
        HeadWriter w = new HeadWriter(160 + 48 * extra.size());
        w.ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        w.field("Sec-WebSocket-Accept", result.accept());
        if (result.subprotocol().isPresent()) {
            w.field("Sec-WebSocket-Protocol", result.subprotocol().get());
        }
        if (!result.extensions().isEmpty()) {
            List<ExtensionOffer> responses = result.extensionResponses();
            w.field("Sec-WebSocket-Extensions", ExtensionOffer.formatHeader(responses));
        }
        for (int i = 0; i < extra.size(); i++) {
            w.field(extra.name(i), extra.value(i));
        }
        return w.crlf().toBuffer();
    }

    /**
     * The response refusing a handshake: the exception's status, {@code Connection: close} ({@code Upgrade, close}
     * when the exception carries an {@code Upgrade} field, as a 426 does: RFC 9110 §7.8 wants the option named),
     * {@code Content-Type: text/plain; charset=utf-8}, {@code Content-Length}, the exception's extra fields
     * (except those four, which this method owns) and a one-line body: {@code "<status> <phrase>: <reason>"}.
     */
    public static ByteBuffer error(HandshakeException e) {
        HttpHeaders extra = e.headers();
        boolean upgrade = false;
        for (int i = 0; i < extra.size(); i++) {
            upgrade |= extra.name(i).equalsIgnoreCase("Upgrade");
        }
        String phrase = StatusText.of(e.status());
        String text = e.status() + (phrase.isEmpty() ? "" : " " + phrase) + ": " + e.reason() + "\n";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        HeadWriter w = new HeadWriter(192 + 48 * extra.size() + body.length);
        w.statusLine(e.status(), phrase);
        w.field("Connection", upgrade ? "Upgrade, close" : "close");
        w.field("Content-Type", "text/plain; charset=utf-8");
        w.field("Content-Length", Integer.toString(body.length));
        for (int i = 0; i < extra.size(); i++) {
            String n = extra.name(i);
            if (!HttpChars.equalsAsciiIgnoreCase(n, "Connection") && !HttpChars.equalsAsciiIgnoreCase(n, "Content-Type")
                    && !HttpChars.equalsAsciiIgnoreCase(n, "Content-Length")
                    && !HttpChars.equalsAsciiIgnoreCase(n, "Transfer-Encoding")) {
                w.field(n, extra.value(i));
            }
        }
        return w.crlf().bytes(body).toBuffer();
    }

    /**
     * As {@link #error(HandshakeException)} for a status (400–599) and a short reason, e.g. a handler's
     * {@code 401 "login required"}.
     */
    public static ByteBuffer error(int status, String reason) {
        return error(new HandshakeException(status, reason));
    }
}
