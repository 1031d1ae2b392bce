package dev.sleet.handshake.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Writes an HTTP/1.1 response head (RFC 9112 §4) into a growable byte array, one ISO-8859-1 byte per char. The
 * caller has validated every name and value; this class only lays them out.
 */
public final class HeadWriter {

    private byte[] buf;
    private int len;

    /** A writer with room for {@code capacity} bytes before it grows. */
    public HeadWriter(int capacity) {
        buf = new byte[capacity];
    }

    /** Appends the status line {@code HTTP/1.1 <status> <reason>} and its CRLF. */
    public HeadWriter statusLine(int status, String reasonPhrase) {
        ascii("HTTP/1.1 ");
        ensure(3);
        buf[len++] = (byte) ('0' + status / 100);
        buf[len++] = (byte) ('0' + status / 10 % 10);
        buf[len++] = (byte) ('0' + status % 10);
        ascii(" ").ascii(reasonPhrase);
        return crlf();
    }

    /** Appends {@code name: value} and its CRLF. */
    public HeadWriter field(String name, String value) {
        return ascii(name).ascii(": ").ascii(value).crlf();
    }

    /** Appends CRLF. */
    public HeadWriter crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
        return this;
    }

    /** Appends raw bytes (a body). */
    public HeadWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** Appends each char of {@code s} as one byte. */
    public HeadWriter ascii(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int at = len;
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) s.charAt(i);
        }
        len = at + n;
        return this;
    }

    /** The bytes written, in a buffer ready to be written out (position 0, limit at the end). */
    public ByteBuffer toBuffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
