package dev.sleet.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Random valid upgrade requests (RFC 6455 §4.1 as clients really send them): random header order and name case,
 * extra fields, random whitespace around values, token lists in any case and split over several fields,
 * subprotocol and extension offers, and sometimes bytes after the head (a first frame).
 */
final class RandomRequests {

    static final String TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final List<String> SERVER_PROTOCOLS = List.of("mqtt", "chat", "v2.chat");
    static final List<String> ALLOWED_ORIGINS = List.of("https://*.example.org", "https://example.com");
    private static final List<String> PROTOCOL_POOL = List.of("chat", "superchat", "mqtt", "v2.chat", "wamp", "stomp",
            "graphql-ws", "x.y_z");
    private static final List<String> ORIGIN_POOL = List.of("https://example.com", "https://a.example.org",
            "https://deep.sub.example.org:443", "HTTPS://Example.COM");

    /** One generated request: its head, the bytes after it, and what the parser should report. */
    record Generated(String head, byte[] trailing, String target, List<String[]> fields, String key,
                     List<String> offeredProtocols) {

        byte[] bytes() {
            byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[h.length + trailing.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(trailing, 0, all, h.length, trailing.length);
            return all;
        }

        int headLength() {
            return head.length();
        }
    }

    private RandomRequests() {
    }

    static Generated validUpgrade(SplittableRandom r) {
        List<String[]> fields = new ArrayList<>();
        String target = target(r);
        fields.add(new String[] {"Host", pick(r, "example.com", "localhost:8080", "[::1]:9000", "chat.example.org")});
        if (r.nextInt(5) == 0) {
            fields.add(new String[] {"Upgrade", pick(r, "h2c", "foo/1")});
            fields.add(new String[] {"Upgrade", randomCase(r, "websocket")});
        } else {
            fields.add(new String[] {"Upgrade", r.nextBoolean() ? randomCase(r, "websocket")
                    : "h2c," + ows(r) + randomCase(r, "websocket")});
        }
        if (r.nextInt(5) == 0) {
            fields.add(new String[] {"Connection", "keep-alive"});
            fields.add(new String[] {"Connection", randomCase(r, "upgrade")});
        } else {
            fields.add(new String[] {"Connection", r.nextBoolean() ? randomCase(r, "Upgrade")
                    : "keep-alive," + ows(r) + randomCase(r, "Upgrade")});
        }
        byte[] nonce = new byte[16];
        r.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        fields.add(new String[] {"Sec-WebSocket-Key", key});
        fields.add(new String[] {"Sec-WebSocket-Version", "13"});
        if (r.nextBoolean()) {
            fields.add(new String[] {"Origin", ORIGIN_POOL.get(r.nextInt(ORIGIN_POOL.size()))});
        }
        List<String> offered = new ArrayList<>();
        if (r.nextBoolean()) {
            List<String> pool = new ArrayList<>(PROTOCOL_POOL);
            Collections.shuffle(pool, new Random(r.nextLong()));
            offered.addAll(pool.subList(0, 1 + r.nextInt(4)));
            if (offered.size() > 1 && r.nextBoolean()) {
                int cut = 1 + r.nextInt(offered.size() - 1);
                fields.add(new String[] {"Sec-WebSocket-Protocol", String.join("," + ows(r), offered.subList(0, cut))});
                fields.add(new String[] {"Sec-WebSocket-Protocol", String.join(", ", offered.subList(cut, offered.size()))});
            } else {
                fields.add(new String[] {"Sec-WebSocket-Protocol", String.join("," + ows(r), offered)});
            }
        }
        int extensionFields = r.nextInt(4) == 0 ? 2 : r.nextInt(2);
        for (int i = 0; i < extensionFields; i++) {
            fields.add(new String[] {"Sec-WebSocket-Extensions", extensions(r)});
        }
        if (r.nextInt(6) == 0) {
            fields.add(new String[] {"Content-Length", "0"});
        }
        int extras = r.nextInt(9);
        for (int i = 0; i < extras; i++) {
            fields.add(extraField(r));
        }
        Collections.shuffle(fields, new Random(r.nextLong()));
        StringBuilder sb = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
        for (String[] f : fields) {
            sb.append(randomCase(r, f[0])).append(':').append(ows(r)).append(f[1]).append(ows(r)).append("\r\n");
        }
        sb.append("\r\n");
        byte[] trailing = new byte[r.nextInt(3) == 0 ? 1 + r.nextInt(20) : 0];
        r.nextBytes(trailing);
        return new Generated(sb.toString(), trailing, target, fields, key, List.copyOf(offered));
    }

    /** Splits {@code bytes} into 1–8 buffers of random kinds (heap, offset heap, direct, read-only). */
    static List<ByteBuffer> split(SplittableRandom r, byte[] bytes) {
        int pieces = 1 + r.nextInt(Math.min(8, bytes.length + 1));
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i < pieces; i++) {
            cuts.add(r.nextInt(bytes.length + 1));
        }
        Collections.sort(cuts);
        cuts.add(bytes.length);
        List<ByteBuffer> out = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            out.add(buffer(r, bytes, from, cut));
            from = cut;
        }
        return out;
    }

    private static ByteBuffer buffer(SplittableRandom r, byte[] bytes, int from, int to) {
        int n = to - from;
        switch (r.nextInt(4)) {
            case 0:
                return ByteBuffer.wrap(bytes, from, n).slice();
            case 1: {
                byte[] padded = new byte[n + 7];
                System.arraycopy(bytes, from, padded, 3, n);
                return ByteBuffer.wrap(padded, 3, n); // position 3, array offset 0
            }
            case 2:
                return ByteBuffer.allocateDirect(n).put(bytes, from, n).flip();
            default:
                return ByteBuffer.wrap(bytes, from, n).slice().asReadOnlyBuffer();
        }
    }

    private static String target(SplittableRandom r) {
        String path = pick(r, "/", "/chat", "/chat/room-" + r.nextInt(100), "/a/b/c.d", "/%7Euser/ws");
        String query = switch (r.nextInt(4)) {
            case 0 -> "";
            case 1 -> "?room=" + r.nextInt(10);
            case 2 -> "?a=1&b=x%20y&c";
            default -> "?q=" + "z".repeat(r.nextInt(50));
        };
        if (r.nextInt(8) == 0) {
            return pick(r, "http://example.com", "ws://localhost:8080", "https://[::1]:9000") + path + query;
        }
        return path + query;
    }

    private static String extensions(SplittableRandom r) {
        int n = 1 + r.nextInt(3);
        List<String> exts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder e = new StringBuilder(pick(r, "permessage-deflate", "x-webkit-deflate-frame", "x-foo", "mux"));
            int params = r.nextInt(4);
            for (int p = 0; p < params; p++) {
                e.append(ows(r)).append(';').append(ows(r)).append(pick(r, "client_max_window_bits",
                        "server_no_context_takeover", "server_max_window_bits", "a"));
                switch (r.nextInt(3)) {
                    case 0 -> { }
                    case 1 -> e.append(ows(r)).append('=').append(ows(r)).append(8 + r.nextInt(8));
                    default -> e.append('=').append('"').append(r.nextBoolean() ? "1\\0" : "x-y").append('"');
                }
            }
            exts.add(e.toString());
        }
        return String.join("," + ows(r), exts);
    }

    private static String[] extraField(SplittableRandom r) {
        String name = switch (r.nextInt(4)) {
            case 0 -> "User-Agent";
            case 1 -> "Accept-Language";
            case 2 -> "Cookie";
            default -> {
                StringBuilder sb = new StringBuilder("X-");
                int len = 1 + r.nextInt(12);
                for (int i = 0; i < len; i++) {
                    sb.append(TCHARS.charAt(r.nextInt(TCHARS.length())));
                }
                yield sb.toString();
            }
        };
        StringBuilder v = new StringBuilder();
        int len = r.nextInt(40);
        for (int i = 0; i < len; i++) {
            int kind = r.nextInt(20);
            char c;
            if (kind == 0) {
                c = (char) (0x80 + r.nextInt(0x80)); // obs-text
            } else if (kind < 3) {
                c = kind == 1 ? ' ' : '\t';
            } else {
                c = (char) (0x21 + r.nextInt(0x7E - 0x21 + 1));
            }
            v.append(c);
        }
        String value = v.toString().strip(); // strip() removes SP and HTAB at the ends (both are whitespace)
        return new String[] {name, value};
    }

    static String randomCase(SplittableRandom r, String s) {
        return switch (r.nextInt(4)) {
            case 0 -> s;
            case 1 -> s.toLowerCase(Locale.ROOT);
            case 2 -> s.toUpperCase(Locale.ROOT);
            default -> {
                StringBuilder sb = new StringBuilder(s.length());
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    sb.append(r.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
                }
                yield sb.toString();
            }
        };
    }

    static String ows(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\t";
            case 2 -> "  ";
            case 3 -> " \t";
            default -> r.nextBoolean() ? "" : " ";
        };
    }

    @SafeVarargs
    static <T> T pick(SplittableRandom r, T... options) {
        return options[r.nextInt(options.length)];
    }
}
