package dev.sleet.frame;

/**
 * Frame opcodes, RFC 6455 §5.2 and §11.8. Codes 0x3–0x7 are reserved for further data frames and 0xB–0xF for
 * further control frames; no constant exists for them and {@link #of(int)} answers {@code null}.
 *
 * <p>Control frames (§5.5) are the opcodes with the high bit of the nibble set: {@code 0b1xxx}.
 */
public enum Opcode {
    /** 0x0: continues a fragmented message (§5.4). */
    CONTINUATION(0x0),
    /** 0x1: the first frame of a text message; the payload is UTF-8 (§5.6). */
    TEXT(0x1),
    /** 0x2: the first frame of a binary message (§5.6). */
    BINARY(0x2),
    /** 0x8: starts the closing handshake (§5.5.1). */
    CLOSE(0x8),
    /** 0x9: a ping, answered with a pong carrying the same payload (§5.5.2). */
    PING(0x9),
    /** 0xA: a pong (§5.5.3). */
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final boolean control;

    Opcode(int code) {
        this.code = code;
        this.control = (code & 0b1000) != 0;
    }

    /** The 4-bit code carried in the low nibble of a frame's first byte. */
    public int code() {
        return code;
    }

    /** Whether this is a control frame opcode (close, ping, pong): at most 125 bytes, never fragmented. */
    public boolean isControl() {
        return control;
    }

    /** Whether this opcode carries message data (text, binary or continuation). */
    public boolean isData() {
        return !control;
    }

    /**
     * The opcode for a 4-bit code, or {@code null} when the code is reserved (0x3–0x7, 0xB–0xF).
     *
     * @throws IllegalArgumentException when {@code code} is outside 0–15
     */
    public static Opcode of(int code) {
        if ((code & ~0b1111) != 0) {
            throw new IllegalArgumentException("opcode out of range 0-15: " + code);
        }
        return BY_CODE[code];
    }
}
