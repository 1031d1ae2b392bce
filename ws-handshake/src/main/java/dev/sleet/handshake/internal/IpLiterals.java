package dev.sleet.handshake.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals, parsed strictly and never through a name lookup: dotted-quad IPv4 without leading zeros
 * (so {@code 010.0.0.1} is not read as octal by one side and decimal by the other), and IPv6 in RFC 4291 text
 * form without a zone. Returns null for anything else.
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    /** An IPv4 literal {@code a.b.c.d}, each 0–255 without leading zeros; null otherwise. */
    public static InetAddress ipv4(CharSequence s) {
        byte[] b = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0, n = s.length(); i <= n; i++) {
            char c = i < n ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zero
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                b[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else {
                return null;
            }
        }
        if (part != 4) {
            return null;
        }
        return byAddress(b);
    }

    /**
     * An IPv6 literal (hex groups, {@code ::}, an embedded IPv4 tail), without brackets or a zone; null otherwise.
     * An IPv4-mapped literal ({@code ::ffff:a.b.c.d}) comes back as the IPv4 address, as the JDK does.
     */
    public static InetAddress ipv6(CharSequence s) {
        int n = s.length();
        if (n < 2 || n > 45) {
            return null;
        }
        boolean colon = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.')) {
                return null;
            }
        }
        if (!colon) {
            return null;
        }
        try {
            // In brackets the JDK only ever parses a literal: no name lookup, whatever the text.
            return InetAddress.getByName("[" + s + "]");
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv4 or an IPv6 literal; null otherwise. */
    public static InetAddress any(CharSequence s) {
        InetAddress a = ipv4(s);
        return a != null ? a : ipv6(s);
    }

    /** A decimal port 0–65535 without leading zeros (a lone {@code 0} is fine); -1 otherwise. */
    public static int port(CharSequence s) {
        int n = s.length();
        if (n == 0 || n > 5 || (n > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 65535 ? v : -1;
    }

    /** The address of 4 or 16 raw bytes (network order). */
    public static InetAddress byAddress(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a wrong length
        }
    }
}
