package dev.sleet.examples.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Javadoc and comments in every module's main sources cite RFC sections or describe the behaviour, never the IDs of
 * a requirements document that is not part of the project ({@code ACTOR-07}, {@code SERVE-01}, ...).
 */
class NoRequirementIdsInSourcesTest {
    private static final Pattern ID = Pattern.compile("\\b(ACTOR|SERVE|PROTO|LIFE|BEAT|FRAG|ROOM)-\\d{2}\\b");

    @Test
    void mainSourcesCiteNoRequirementIds() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // surefire runs in ws-examples
        assertTrue(Files.isRegularFile(root.resolve("ws-server/pom.xml")), "project root at " + root);
        List<String> hits = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root, 12)) {
            for (Path p : (Iterable<Path>) all.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> root.relativize(f).toString().replace('\\', '/').matches("[^/]+/src/main/.*"))::iterator) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = ID.matcher(lines.get(i));
                    if (m.find()) {
                        hits.add(root.relativize(p) + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertTrue(files > 100, "read the main sources: " + files);
        assertEquals(List.of(), hits);
    }
}
