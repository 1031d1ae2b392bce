package dev.sleet.rooms.redis.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Redis names for one backplane: the pub/sub channel of a room, the presence keys, node-number leases. Every
 * name starts with the configured prefix, so several applications can share one Redis.
 *
 * <pre>
 *   standalone                   cluster                          what
 *   {prefix}r:{room}             {prefix}r:{tag}                  channel: broadcasts to the room
 *   {prefix}p:{node}:{room}      {prefix}p:{tag}:{node}           hash: connection id → presence info of one
 *                                                                 node's members (expires with the node)
 *   {prefix}n:{room}             {prefix}n:{tag}                  set: nodes that have members in the room
 *   {prefix}id:{number}          {prefix}id:{ids}{number}         string: lease on a 16-bit node number
 * </pre>
 *
 * In a Redis Cluster every name of a room must hash to one slot, so that the room's channel, its presence keys
 * and the scripts that touch them live on one shard. The room part is a hash tag: {@code {room}} (literal braces)
 * for a room of 1-200 characters without braces, so {@code sleet:r:{lobby}}; otherwise
 * {@code {~16 hex digits}=room}, a tag made of a 64-bit FNV-1a hash of the room's bytes followed by the room
 * itself (the tag decides the slot, the full name stays one-to-one). The first form ends with '}' and the
 * second has '=' after it, so the two never meet. A prefix may not hold braces in cluster mode (its brace would
 * become the tag). All node-number leases share one slot, because the claim script walks them.
 *
 * <p>A hot room may be split over several slots ({@code lanes > 1}): lane {@code i} of {@code n} is the channel
 * {@code {prefix}r:{room#i}#n}, the tag being {@code room#i} (or its hashed form); presence keeps the room's own
 * names and slot.
 *
 * Room names are written in WTF-8: UTF-8 for every well-formed string, and still one-to-one for strings that
 * carry unpaired surrogates, so two different rooms never share a channel or a key. Node ids are restricted to
 * {@code [A-Za-z0-9._-]{1,64}}; with no ':' in them, {@code p:{node}:{room}} splits one way only.
 */
public final class Names {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final int MAX_PLAIN_TAG = 200;

    private final byte[] prefix;
    private final String node;
    private final byte[] nodeBytes;
    private final boolean cluster;

    public Names(String prefix, String node) {
        this(prefix, node, false);
    }

    public Names(String prefix, String node, boolean cluster) {
        if (cluster && (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0)) {
            throw new IllegalArgumentException("in cluster mode a prefix may not contain '{' or '}' (Redis would "
                    + "take it for the hash tag): '" + prefix + "'");
        }
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.node = checkNodeId(node);
        this.nodeBytes = node.getBytes(StandardCharsets.US_ASCII);
        this.cluster = cluster;
    }

    public boolean cluster() {
        return cluster;
    }

    /**
     * The room as a hash tag: {@code {room}} when it is 1-200 characters with no brace, else
     * {@code {~hash}=room}. Every cluster name of the room carries it, so all of them share one slot.
     */
    public static byte[] tagged(String room) {
        byte[] bytes = wtf8(room);
        if (!room.isEmpty() && room.length() <= MAX_PLAIN_TAG && room.indexOf('{') < 0 && room.indexOf('}') < 0) {
            return concat(ascii("{"), bytes, ascii("}"));
        }
        long h = 0xcbf29ce484222325L; // FNV-1a, 64 bits
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return concat(ascii("{~" + String.format("%016x", h) + "}="), bytes);
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
        return cluster ? concat(prefix, ascii("r:"), tagged(room)) : concat(prefix, ascii("r:"), wtf8(room));
    }

    /**
     * Lane {@code lane} of a room's channel when the room is split over {@code lanes} slots (cluster mode); lane
     * 0 of 1 is {@link #channel}.
     */
    public byte[] channel(String room, int lane, int lanes) {
        if (lanes <= 1 || !cluster) {
            return channel(room);
        }
        return concat(prefix, ascii("r:"), tagged(room + "#" + lane), ascii("#" + lanes));
    }

    public byte[] presence(String room) {
        return cluster ? concat(prefix, ascii("p:"), tagged(room), ascii(":"), nodeBytes)
                : concat(prefix, ascii("p:"), nodeBytes, ascii(":"), wtf8(room));
    }

    /**
     * What a script puts before a node id to reach that node's hash for {@code room}: {@code {prefix}p:}
     * (standalone) or {@code {prefix}p:{tag}:} (cluster); {@link #roomSuffix} goes after it.
     */
    public byte[] presencePrefix(String room) {
        return cluster ? concat(prefix, ascii("p:"), tagged(room), ascii(":")) : concat(prefix, ascii("p:"));
    }

    /** {@code :{room}} (standalone), nothing (cluster). */
    public byte[] roomSuffix(String room) {
        return cluster ? new byte[0] : concat(ascii(":"), wtf8(room));
    }

    public byte[] nodes(String room) {
        return cluster ? concat(prefix, ascii("n:"), tagged(room)) : concat(prefix, ascii("n:"), wtf8(room));
    }

    /** {@code {prefix}id:} (cluster: {@code {prefix}id:{ids}}): a script appends the number. */
    public byte[] leasePrefix() {
        return cluster ? concat(prefix, ascii("id:{ids}")) : concat(prefix, ascii("id:"));
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
