package dev.sleet.bench.fanout;

/** The fan-out protocol shared by every server: the publisher connects on {@code /pub}, members anywhere else. */
public final class FanoutPaths {
    public static final String PUBLISHER = "/pub";

    private FanoutPaths() {
    }

    public static boolean isPublisher(String path) {
        return path != null && path.startsWith(PUBLISHER);
    }
}
