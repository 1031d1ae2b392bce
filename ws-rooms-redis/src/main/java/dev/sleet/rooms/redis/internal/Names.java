package dev.sleet.rooms.redis.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Redis names for one backplane: the pub/sub channel of a room, the presence keys, node-number leases. Every
 * name starts with the configured prefix, so several applications can share one Redis.
 *
 * <pre>
 *   {prefix}r:{room}          channel: broadcasts to the room
 *   {prefix}p:{node}:{room}   hash: connection id → presence info of one node's members (expires with the node)
 *   {prefix}n:{room}          set: nodes that have members in the room
 *   {prefix}id:{number}       string: lease on a 16-bit node number (connection-id prefix)
 * </pre>
 *
 * Room names are written in WTF-8: UTF-8 for every well-formed string, and still one-to-one for strings that
 * carry unpaired surrogates, so two different rooms never share a channel or a key. Node ids are restricted to
 * {@code [A-Za-z0-9._-]{1,64}}; with no ':' in them, {@code p:{node}:{room}} splits one way only.
 */
public final class Names {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final byte[] prefix;
    private final String node;
    private final byte[] nodeBytes;

    public Names(String prefix, String node) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.node = checkNodeId(node);
        this.nodeBytes = node.getBytes(StandardCharsets.US_ASCII);
    }

    /** Checks a node id: 1-64 of letters, digits, '.', '_' or '-'. */
    public static String checkNodeId(String node) {
        if (node == null || !NODE_ID.matcher(node).matches()) {
            throw new IllegalArgumentException(
                    "a node id is 1-64 letters, digits, '.', '_' or '-', not '" + node + "'");
        }
        return node;
    }

    public String node() {
        return node;
    }

    public byte[] nodeBytes() {
        return nodeBytes.clone();
    }

    public byte[] channel(String room) {
        return concat(prefix, ascii("r:"), wtf8(room));
    }

    public byte[] presence(String room) {
        return concat(prefix, ascii("p:"), nodeBytes, ascii(":"), wtf8(room));
    }

    /** {@code {prefix}p:}: a script appends a node and {@link #roomSuffix} to reach another node's hash. */
    public byte[] presencePrefix() {
        return concat(prefix, ascii("p:"));
    }

    /** {@code :{room}}. */
    public byte[] roomSuffix(String room) {
        return concat(ascii(":"), wtf8(room));
    }

    public byte[] nodes(String room) {
        return concat(prefix, ascii("n:"), wtf8(room));
    }

    /** {@code {prefix}id:}: a script appends the number. */
    public byte[] leasePrefix() {
        return concat(prefix, ascii("id:"));
    }

    public byte[] lease(int number) {
        return concat(leasePrefix(), ascii(Integer.toString(number)));
    }

    /**
     * WTF-8: each code point as in UTF-8; an unpaired surrogate as the three bytes UTF-8 would give its code
     * unit. Injective over Java strings, unlike {@code getBytes(UTF_8)}, which turns every unpaired surrogate into
     * '?'.
     */
    public static byte[] wtf8(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(++i));
            }
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0b1100_0000 | cp >>> 6);
                out.write(0b1000_0000 | cp & 0b11_1111);
            } else if (cp < 0x1_0000) {
                out.write(0b1110_0000 | cp >>> 12);
                out.write(0b1000_0000 | cp >>> 6 & 0b11_1111);
                out.write(0b1000_0000 | cp & 0b11_1111);
            } else {
                out.write(0b1111_0000 | cp >>> 18);
                out.write(0b1000_0000 | cp >>> 12 & 0b11_1111);
                out.write(0b1000_0000 | cp >>> 6 & 0b11_1111);
                out.write(0b1000_0000 | cp & 0b11_1111);
            }
        }
        return out.toByteArray();
    }

    /** A lossless map key for raw bytes (one char per byte). */
    public static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
