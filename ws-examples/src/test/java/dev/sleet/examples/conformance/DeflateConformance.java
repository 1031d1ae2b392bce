package dev.sleet.examples.conformance;

import static dev.sleet.examples.conformance.Conformance.check;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.testkit.ClientDeflate;
import dev.sleet.testkit.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * permessage-deflate conformance cases (RFC 7692) in the intent of Autobahn|Testsuite groups 12 (payloads of growing
 * size, text and binary, compressible and not, whole and fragmented, under the default offer) and 13 (the same under
 * each parameter combination a client may offer). Each case opens a connection with its offer, checks the agreed
 * response, sends a series of compressed messages (RSV1 on the first frame only when fragmented) and checks every
 * echo, decompressing it when it carries RSV1. The raw client compresses with {@code java.util.zip} and honours the
 * window it announced ({@link ClientDeflate}). The cases are Sleet's own.
 */
final class DeflateConformance {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final int[] SIZES = {16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072};

    /** One case: the offer to connect with and the script to run on that connection. */
    record Case(String id, String section, String description, String offer, Conformance.Script script) {
    }

    enum Kind {
        JSON_TEXT("chat-like JSON text"), UTF8_TEXT("multilingual UTF-8 text"), RANDOM_BINARY("random binary"),
        REPETITIVE_BINARY("repetitive binary");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final List<Case> cases = new ArrayList<>();

    static List<Case> all() {
        DeflateConformance c = new DeflateConformance();
        c.payloads();
        c.parameters();
        return c.cases;
    }

    // ---------------------------------------------------------------------------------------------- group 12
    private void payloads() {
        String offer = "permessage-deflate; client_max_window_bits";
        Kind[] kinds = Kind.values();
        for (int k = 0; k < kinds.length; k++) {
            for (int i = 0; i < SIZES.length; i++) {
                Kind kind = kinds[k];
                int size = SIZES[i];
                cases.add(new Case("12." + (k + 1) + "." + (i + 1), "RFC 7692 §7.2", "10 " + kind.label
                        + " messages of " + size + " bytes, whole, are echoed", offer,
                        ws -> run(ws, offer, kind, size, 10, 0)));
            }
        }
        // 12.5: fragmented compressed messages (RSV1 on the first frame only, §6.1)
        int[] fragments = {1, 64, 1024};
        int n = 0;
        for (int frag : fragments) {
            for (int size : new int[] {256, 4096, 65536}) {
                int f = frag;
                cases.add(new Case("12.5." + (++n), "RFC 7692 §6.1, §7.2", "5 JSON text messages of " + size
                        + " bytes, compressed then cut into frames of " + frag + " bytes, are echoed", offer,
                        ws -> run(ws, offer, Kind.JSON_TEXT, size, 5, f)));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- group 13
    private void parameters() {
        String[] offers = {
            "permessage-deflate",
            "permessage-deflate; client_no_context_takeover",
            "permessage-deflate; client_max_window_bits=8",
            "permessage-deflate; client_max_window_bits=15",
            "permessage-deflate; client_no_context_takeover; client_max_window_bits=8",
            "permessage-deflate; client_no_context_takeover; client_max_window_bits=15",
            "permessage-deflate; client_no_context_takeover; client_max_window_bits=8, "
                    + "permessage-deflate; client_no_context_takeover, permessage-deflate",
            "permessage-deflate; server_no_context_takeover",
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; server_max_window_bits=11; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; "
                    + "client_max_window_bits=9",
        };
        int[] sizes = {16, 256, 4096, 65536, 131072};
        for (int o = 0; o < offers.length; o++) {
            String offer = offers[o];
            for (int i = 0; i < sizes.length; i++) {
                int size = sizes[i];
                int frag = i % 2 == 0 ? 0 : 777;
                cases.add(new Case("13." + (o + 1) + "." + (i + 1), "RFC 7692 §7.1", "offer \"" + offer + "\": 10 "
                        + (i % 2 == 0 ? "whole" : "fragmented") + " JSON messages of " + size + " bytes are echoed",
                        offer, ws -> run(ws, offer, Kind.JSON_TEXT, size, 10, frag)));
            }
        }
    }

    /**
     * Checks the agreement against the first offer the server can honour (here: the first, except the list in
     * 13.7 whose first offer is accepted too), then echoes {@code count} messages.
     */
    static void run(RawWebSocket ws, String offer, Kind kind, int size, int count, int fragment) throws Exception {
        String agreed = ws.handshakeHeader("Sec-WebSocket-Extensions");
        check(agreed != null && agreed.startsWith("permessage-deflate"), "permessage-deflate agreed, got " + agreed);
        String first = offer.split(",")[0];
        boolean serverReset = agreed.contains("server_no_context_takeover");
        boolean clientReset = agreed.contains("client_no_context_takeover");
        check(serverReset == first.contains("server_no_context_takeover"), "server_no_context_takeover as offered");
        check(clientReset == first.contains("client_no_context_takeover"), "client_no_context_takeover as offered");
        int clientBits = bits(agreed, "client_max_window_bits", bits(first, "client_max_window_bits", 15));
        check(bits(agreed, "server_max_window_bits", 15) == bits(first, "server_max_window_bits", 15),
                "server_max_window_bits as offered: " + agreed);
        Random r = new Random(size * 31L + count + fragment);
        try (ClientDeflate z = new ClientDeflate(6, clientReset, serverReset, clientBits)) {
            for (int m = 0; m < count; m++) {
                byte[] message = payload(kind, size, r);
                byte[] c = z.compress(message);
                Opcode op = kind == Kind.JSON_TEXT || kind == Kind.UTF8_TEXT ? Opcode.TEXT : Opcode.BINARY;
                if (fragment <= 0 || c.length <= fragment) {
                    ws.sendFrame(true, Rsv.RSV1, op, c);
                } else {
                    for (int at = 0; at < c.length; at += fragment) {
                        int end = Math.min(c.length, at + fragment);
                        ws.sendFrame(end == c.length, at == 0 ? Rsv.RSV1 : 0, at == 0 ? op : Opcode.CONTINUATION,
                                Arrays.copyOfRange(c, at, end));
                    }
                }
                RawWebSocket.Frame f = ws.readFrame(WAIT);
                check(f != null, "echo " + m + " arrived");
                check(f.opcode() == op && f.fin(), "echo " + m + " is one " + op + " frame, got " + f);
                check(f.rsv() == 0 || f.rsv() == Rsv.RSV1, "only RSV1 may be set");
                byte[] got = f.rsv() == Rsv.RSV1 ? z.decompress(f.payload()) : f.payload();
                check(Arrays.equals(message, got), "echo " + m + " differs");
            }
        }
    }

    static int bits(String header, String name, int absent) {
        int i = header.indexOf(name + "=");
        if (i < 0) {
            return absent;
        }
        String v = header.substring(i + name.length() + 1).split("[;,\\s]")[0].replace("\"", "");
        return Integer.parseInt(v);
    }

    static byte[] payload(Kind kind, int size, Random r) {
        switch (kind) {
            case RANDOM_BINARY -> {
                byte[] b = new byte[size];
                r.nextBytes(b);
                return b;
            }
            case REPETITIVE_BINARY -> {
                byte[] b = new byte[size];
                for (int i = 0; i < size; i++) {
                    b[i] = (byte) ((i / 7) % 13 + (i % 3) * 40);
                }
                return b;
            }
            default -> {
                // whole code points up to exactly {@code size} bytes or one short of it
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(size);
                String[] words = {"hello", "room", "\u00e9t\u00e9", "\u6f22\u5b57", "\ud83d\ude00", "\u0436\u0443\u043a"};
                while (true) {
                    String piece = kind == Kind.JSON_TEXT
                            ? "{\"type\":\"message\",\"from\":\"u" + r.nextInt(100) + "\",\"n\":" + r.nextInt(100000) + "}"
                            : words[r.nextInt(words.length)] + " ";
                    byte[] b = piece.getBytes(StandardCharsets.UTF_8);
                    if (out.size() + b.length > size) {
                        // fill the rest with ASCII so the size is exact
                        while (out.size() < size) {
                            out.write('.');
                        }
                        return out.toByteArray();
                    }
                    out.writeBytes(b);
                }
            }
        }
    }
}
