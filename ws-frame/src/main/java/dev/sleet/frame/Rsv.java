package dev.sleet.frame;

/**
 * The three reserved bits of a frame's first byte (RFC 6455 §5.2), as this codec passes them around: an
 * {@code int} holding {@code 0b000}–{@code 0b111}, with RSV1 as the high bit. They are zero unless an extension
 * that defines them has been negotiated (§5.8, §9); permessage-deflate (RFC 7692) owns {@link #RSV1}.
 */
public final class Rsv {
    /** RSV1, bit {@code 0b0100_0000} of the first header byte. */
    public static final int RSV1 = 0b100;
    /** RSV2, bit {@code 0b0010_0000} of the first header byte. */
    public static final int RSV2 = 0b010;
    /** RSV3, bit {@code 0b0001_0000} of the first header byte. */
    public static final int RSV3 = 0b001;
    /** All three bits. */
    public static final int ALL = 0b111;

    private Rsv() {
    }

    /**
     * Checks that {@code rsv} holds only RSV bits.
     *
     * @return {@code rsv}
     * @throws IllegalArgumentException when bits outside {@link #ALL} are set
     */
    public static int check(int rsv) {
        if ((rsv & ~ALL) != 0) {
            throw new IllegalArgumentException("not RSV bits (expected 0b000-0b111): 0b" + Integer.toBinaryString(rsv));
        }
        return rsv;
    }

    /** A readable form such as {@code "RSV1|RSV3"}, or {@code "none"}. */
    public static String toString(int rsv) {
        if (rsv == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        if ((rsv & RSV1) != 0) sb.append("RSV1|");
        if ((rsv & RSV2) != 0) sb.append("RSV2|");
        if ((rsv & RSV3) != 0) sb.append("RSV3|");
        if ((rsv & ~ALL) != 0) sb.append("0b").append(Integer.toBinaryString(rsv & ~ALL)).append('|');
        return sb.substring(0, sb.length() - 1);
    }
}
