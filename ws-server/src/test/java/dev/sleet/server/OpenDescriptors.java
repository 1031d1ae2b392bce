package dev.sleet.server;

import java.io.File;

/** This process's open file descriptors (Linux {@code /proc/self/fd}); -1 where that is not available. */
final class OpenDescriptors {
    private OpenDescriptors() {
    }

    static int count() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
