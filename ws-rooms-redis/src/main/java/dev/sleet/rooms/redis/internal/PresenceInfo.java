package dev.sleet.rooms.redis.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A member's presence information as a Redis hash value: a count, then each key and value in modified UTF-8
 * ({@link DataOutputStream#writeUTF}), which keeps any Java string exactly. Entries whose key or value would not
 * fit 65,535 bytes are left out.
 */
public final class PresenceInfo {
    private static final System.Logger LOG = System.getLogger(PresenceInfo.class.getName());

    private PresenceInfo() {
    }

    public static byte[] encode(Map<String, String> info) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + info.size() * 16);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            Map<String, String> fit = new LinkedHashMap<>();
            info.forEach((k, v) -> {
                if (k.length() <= 21_845 && v.length() <= 21_845) { // 3 bytes per char at most: always fits
                    fit.put(k, v);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "presence entry ''{0}'' is too long for Redis; left out", k);
                }
            });
            out.writeShort(fit.size());
            for (Map.Entry<String, String> e : fit.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The map, or null when {@code bytes} is not an encoded map. */
    public static Map<String, String> decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int n = in.readUnsignedShort();
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                out.put(in.readUTF(), in.readUTF());
            }
            return in.available() == 0 ? Map.copyOf(out) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
