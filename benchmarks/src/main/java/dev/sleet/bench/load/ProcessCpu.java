package dev.sleet.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a process, read from {@code /proc} (Linux): utime + stime of {@code /proc/<pid>/stat}
 * (in clock ticks, 100 per second here) and {@code VmRSS} of {@code /proc/<pid>/status}.
 */
public final class ProcessCpu {
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    private ProcessCpu() {
    }

    /** utime + stime of {@code pid}, in nanoseconds; -1 when it cannot be read. */
    public static long nanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state); utime is field 14 and stime field 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** This process's CPU time in nanoseconds. */
    public static long selfNanos() {
        return nanos(ProcessHandle.current().pid());
    }

    /** Resident set size of {@code pid} in KiB; -1 when it cannot be read. */
    public static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
