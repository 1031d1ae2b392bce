package dev.sleet.core.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.ValueDescriptor;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/observability.md} tells the truth about the events: every event class is named {@code dev.sleet.*},
 * labelled, described, in Sleet / WebSocket, without stack traces, and its row in the doc's table names the event
 * and every one of its fields; the doc names no event that does not exist.
 */
class ObservabilityDocTest {
    static Path doc() {
        for (Path p : List.of(Path.of("..", "docs", "observability.md"), Path.of("docs", "observability.md"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("docs/observability.md not found from " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyEventIsNamedLabelledAndCategorized() {
        for (Class<? extends jdk.jfr.Event> c : SleetEvents.EVENTS) {
            Name name = c.getAnnotation(Name.class);
            assertNotNull(name, c + " has a @Name");
            assertTrue(name.value().startsWith("dev.sleet."), name.value());
            assertNotNull(c.getAnnotation(Label.class), c + " has a @Label");
            assertNotNull(c.getAnnotation(Description.class), c + " has a @Description");
            assertEquals(List.of("Sleet", "WebSocket"), Arrays.asList(c.getAnnotation(Category.class).value()));
            assertFalse(c.getAnnotation(StackTrace.class).value(), c + " records no stack trace");
        }
    }

    @Test
    void theDocListsEveryEventWithEveryField() throws IOException {
        List<String> rows = Files.readAllLines(doc()).stream().filter(l -> l.startsWith("| `dev.sleet.")).toList();
        Set<String> documented = rows.stream().map(r -> r.substring(3, r.indexOf('`', 3))).collect(Collectors.toSet());
        Set<String> events = SleetEvents.EVENTS.stream().map(c -> c.getAnnotation(Name.class).value())
                .collect(Collectors.toSet());
        assertEquals(events, documented, "docs/observability.md's event table lists exactly the events");
        for (Class<? extends jdk.jfr.Event> c : SleetEvents.EVENTS) {
            String name = c.getAnnotation(Name.class).value();
            String row = rows.stream().filter(r -> r.startsWith("| `" + name + "`")).findFirst().orElseThrow();
            String fieldsCell = row.substring(row.lastIndexOf('|', row.length() - 2));
            for (ValueDescriptor v : EventType.getEventType(c).getFields()) {
                if (Set.of("startTime", "duration", "eventThread", "stackTrace").contains(v.getName())) {
                    continue; // every event's own
                }
                assertTrue(fieldsCell.contains("`" + v.getName() + "`"), name + "'s row names its field "
                        + v.getName() + ": " + fieldsCell);
            }
        }
    }
}
