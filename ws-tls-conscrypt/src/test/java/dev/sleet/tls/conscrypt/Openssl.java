package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command line tool, so key files are tested as a real tool writes them. Tests that need
 * it skip, loudly, where it is missing ({@code .ci/run} installs it).
 */
final class Openssl {
    private static final String BINARY = find();

    private Openssl() {
    }

    private static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "openssl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    static boolean isInstalled() {
        return BINARY != null;
    }

    /** Skips the calling test, with a reason on stderr and in the report, when openssl is not installed. */
    static void assumeInstalled() {
        if (BINARY == null) {
            String why = "SKIPPED: the openssl command is not on PATH, so the PEM files real tools write cannot be "
                    + "tested here; install it (Debian: apt-get install openssl; .ci/run does)";
            System.err.println("*** " + why);
            assumeTrue(false, why);
        }
    }

    /** Runs {@code openssl args...} in {@code dir}; fails the test with openssl's output when it fails. */
    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
