package dev.sleet.testkit;

import java.io.File;
import java.util.Set;
import java.util.stream.Collectors;

/** Counts this process's threads and open file descriptors, for leak checks before and after a test. */
public final class ProcessResources {
    private ProcessResources() {
    }

    /** Open file descriptors, from {@code /proc/self/fd}; -1 where that does not exist. */
    public static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Names of live threads whose name starts with {@code prefix}. */
    public static Set<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    /** Live platform threads. */
    public static int liveThreads() {
        return Thread.activeCount();
    }

    /**
     * Waits up to {@code millis} for the descriptor count to fall to {@code expected} or below (closing sockets
     * is asynchronous in places); returns the last count seen.
     */
    public static int awaitFileDescriptorsAtMost(int expected, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        int n = openFileDescriptors();
        while (n > expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            n = openFileDescriptors();
        }
        return n;
    }
}
