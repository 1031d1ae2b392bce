package dev.sleet.examples.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/guide.md cannot drift from code that compiles: every {@code ```java} block in it must be, line for line, a
 * region of the sources in this package (between {@code // guide:NAME} and {@code // end:NAME}), which this
 * module's test build compiles; and every region must appear in the guide. Indentation is compared after removing
 * each text's common leading whitespace. {@code GuideSnippetsRunTest} runs the snippets that can run.
 */
class GuideCodeBlocksMatchSourcesTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```$", Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile(
            "(?m)^[ \\t]*// guide:([a-z0-9-]+)\\n(.*?)^[ \\t]*// end:\\1$", Pattern.DOTALL);

    static Path root() {
        Path root = Path.of("").toAbsolutePath().getParent(); // surefire runs in ws-examples
        assertTrue(Files.isRegularFile(root.resolve("docs/guide.md")), "docs/guide.md under " + root);
        return root;
    }

    static Map<String, String> regions() throws IOException {
        Path dir = root().resolve("ws-examples/src/test/java/dev/sleet/examples/guide");
        Map<String, String> regions = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = REGION.matcher(Files.readString(f));
                while (m.find()) {
                    String previous = regions.put(m.group(1), dedent(m.group(2)));
                    assertEquals(null, previous, "region " + m.group(1) + " is defined twice");
                }
            }
        }
        return regions;
    }

    static List<String> javaBlocks() throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(root().resolve("docs/guide.md")));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(dedent(m.group(1)));
        }
        return blocks;
    }

    /** {@code text} without trailing blank lines and without the leading whitespace all its lines share. */
    static String dedent(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        while (!lines.isEmpty() && lines.getLast().isBlank()) {
            lines.removeLast();
        }
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            out.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        }
        return out.toString();
    }

    @Test
    void everyJavaBlockOfTheGuideIsACompiledRegion() throws IOException {
        Map<String, String> regions = regions();
        List<String> blocks = javaBlocks();
        assertTrue(blocks.size() >= 15, "the guide's java blocks were found: " + blocks.size());
        List<String> unmatched = new ArrayList<>();
        for (String block : blocks) {
            if (!regions.containsValue(block)) {
                unmatched.add(block);
            }
        }
        assertEquals(List.of(), unmatched, "java blocks in docs/guide.md that are not a region of "
                + "ws-examples/src/test/java/dev/sleet/examples/guide (copy the region, or change both)");
    }

    @Test
    void everyRegionIsShownInTheGuide() throws IOException {
        List<String> blocks = javaBlocks();
        List<String> unused = new ArrayList<>();
        regions().forEach((name, text) -> {
            if (!blocks.contains(text)) {
                unused.add(name);
            }
        });
        assertEquals(List.of(), unused, "regions no java block of docs/guide.md shows");
    }

    @Test
    void aChangedBlockIsCaught() {
        String region = dedent("        a();\n          b();\n\n");
        assertEquals("a();\n  b();\n", region);
        assertTrue(!dedent("a();\n  c();\n").equals(region));
    }
}
