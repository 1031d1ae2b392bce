package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sleet.handshake.HttpLimits;
import dev.sleet.server.internal.Defaults;
import dev.sleet.server.internal.ServerConfig;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/limits.md} tells the truth about the builder: every public builder option that is a limit or timeout
 * has a row, every row names a real option, each documented default is the builder's real default (as
 * {@link WebSocketServer.Builder#config()} resolves it), and each documented range's edges are exactly what the
 * builder accepts. Adding an option without documenting it (or listing it in {@link #NOT_LIMITS}), or changing a
 * default or range without the table, fails here.
 */
class LimitsDocTest {
    /** Builder options that are not limits or timeouts, and why; everything else must have a row. */
    static final Map<String, String> NOT_LIMITS = Map.ofEntries(
            Map.entry("host", "where to listen"),
            Map.entry("port", "where to listen"),
            Map.entry("tlsPort", "where to listen"),
            Map.entry("transport", "which transport"),
            Map.entry("tls", "certificates"),
            Map.entry("handler", "user code"),
            Map.entry("httpHandler", "user code"),
            Map.entry("route", "user code and its path"),
            Map.entry("subprotocols", "negotiation, not a limit"),
            Map.entry("allowedOrigins", "an allow-list, not a limit"),
            Map.entry("extension", "negotiation, not a limit"),
            Map.entry("overflowPolicy", "what maxQueuedBytes does when it trips (documented in its row)"),
            Map.entry("eventLoops", "thread count"),
            Map.entry("workers", "thread count"),
            Map.entry("actorSystem", "where actors run"),
            Map.entry("blockingHandlers", "where actors run"),
            Map.entry("nodeId", "an id, not a limit"),
            Map.entry("proxyProtocol", "a switch; the header's fixed size caps have rows"),
            Map.entry("trustedProxies", "an allow-list, not a limit"));

    /** Builder options whose {@link ServerConfig} component has another name. */
    static final Map<String, String> CONFIG_NAMES = Map.of("connectDecisionTimeout", "decisionTimeout");

    private static final Pattern OPTION = Pattern.compile("(\\w+)\\(([^)]*)\\)(?:\\.(\\w+))?");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern NUMBER = Pattern.compile("(\\d+)(?:\\s*(B|KiB|MiB|GiB))?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ns|ms|s|min|h|d)");
    private static final Pattern RANGE = Pattern.compile("([\\[(])\\s*([^,]+?)\\s*,\\s*([^,]+?)\\s*([\\])])");
    private static final Pattern DESCRIPTORS = Pattern.compile("descriptor limit − (\\d+), else (\\d+)");
    /** A default that is a fraction of another option: {@code maxQueuedBytes / 2}. */
    private static final Pattern FRACTION = Pattern.compile("([a-z][A-Za-z]*) / (\\d+)");

    /** One row of the table; {@code method} is null for a fixed limit. */
    record Row(int line, String optionCell, String method, String part, String defaultCode, String rangeCode,
               String peer) {
        String label() {
            return "docs/limits.md line " + line + " (" + optionCell + ")";
        }

        /** The word an error message about this option must contain. */
        String name() {
            return part != null ? part : method;
        }
    }

    static Path doc() {
        for (Path p : List.of(Path.of("..", "docs", "limits.md"), Path.of("docs", "limits.md"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("docs/limits.md not found from " + Path.of("").toAbsolutePath());
    }

    /** The rows of the one table in the document. */
    static List<Row> rows() throws IOException {
        List<String> lines = Files.readAllLines(doc());
        List<Row> rows = new ArrayList<>();
        int tables = 0;
        boolean inTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            if (!inTable) {
                inTable = true;
                tables++;
                assertTrue(line.matches("\\|\\s*option\\s*\\|\\s*default\\s*\\|\\s*allowed range\\s*\\|\\s*when it trips, the peer sees\\s*\\|"),
                        "line " + (i + 1) + ": the table's header must be | option | default | allowed range | "
                                + "when it trips, the peer sees |, was " + line);
                continue;
            }
            if (line.matches("\\|[-|\\s:]+\\|")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0)).split("\\|", -1);
            assertEquals(4, cells.length, "line " + (i + 1) + " must have 4 cells: " + line);
            String option = cells[0].strip();
            String method = null;
            String part = null;
            if (!option.startsWith("fixed:")) {
                Matcher code = CODE.matcher(option);
                assertTrue(code.lookingAt(), "line " + (i + 1) + ": a builder row starts with `method(Type)`, a "
                        + "fixed one with \"fixed:\": " + option);
                Matcher m = OPTION.matcher(code.group(1));
                assertTrue(m.matches(), "line " + (i + 1) + ": not `method(Type)` or `method(…).part`: " + option);
                method = m.group(1);
                part = m.group(3);
            }
            String defaultCode = firstCode(cells[1]);
            assertFalse(defaultCode == null && method != null, "line " + (i + 1) + ": the default must be in `code`");
            String peer = cells[3].strip();
            assertFalse(peer.isEmpty(), "line " + (i + 1) + ": say what the peer sees");
            rows.add(new Row(i + 1, option, method, part, defaultCode, firstCode(cells[2]), peer));
        }
        assertEquals(1, tables, "docs/limits.md must hold exactly one table");
        return rows;
    }

    private static String firstCode(String cell) {
        Matcher m = CODE.matcher(cell);
        return m.find() ? m.group(1).strip() : null;
    }

    private static List<Row> builderRows() throws IOException {
        return rows().stream().filter(r -> r.method() != null).toList();
    }

    private static List<Method> publicSetters() {
        return Arrays.stream(WebSocketServer.Builder.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                .filter(m -> m.getReturnType() == WebSocketServer.Builder.class)
                .toList();
    }

    private static Method setter(String name) {
        List<Method> found = publicSetters().stream()
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1).toList();
        assertEquals(1, found.size(), "one public one-argument builder method named " + name);
        return found.get(0);
    }

    private static WebSocketServer.Builder builder() {
        return WebSocketServer.builder().handler(new RecordingHandler());
    }

    // ----------------------------------------------------------------------------------------------------------

    @Test
    void everyLimitOptionHasARowAndEveryRowAnOption() throws IOException {
        Set<String> setters = publicSetters().stream().map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = builderRows().stream().map(Row::method).collect(Collectors.toCollection(TreeSet::new));
        for (String s : setters) {
            assertTrue(documented.contains(s) || NOT_LIMITS.containsKey(s), "builder option " + s + "(...) is "
                    + "neither in docs/limits.md's table nor in LimitsDocTest.NOT_LIMITS: document its default, "
                    + "range and what the peer sees");
            assertFalse(documented.contains(s) && NOT_LIMITS.containsKey(s), s + " is documented and also listed "
                    + "as not a limit");
        }
        for (String d : documented) {
            assertTrue(setters.contains(d), "docs/limits.md documents " + d + "(...), which the builder does not have");
        }
        for (String n : NOT_LIMITS.keySet()) {
            assertTrue(setters.contains(n), "NOT_LIMITS names " + n + ", which the builder does not have");
        }
    }

    @Test
    void everyHttpLimitHasARow() throws IOException {
        Set<String> parts = builderRows().stream().filter(r -> r.method().equals("httpLimits")).map(Row::part)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> components = Arrays.stream(HttpLimits.class.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(components, parts, "one `httpLimits(…).<limit>` row per HttpLimits component");
        for (Row r : builderRows()) {
            if (!r.method().equals("httpLimits")) {
                assertEquals(null, r.part(), r.label() + ": only httpLimits rows have a part");
            }
        }
    }

    @Test
    void documentedDefaultsAreTheRealOnes() throws Exception {
        ServerConfig defaults = builder().config();
        for (Row r : builderRows()) {
            Object real = configValue(defaults, r);
            String code = r.defaultCode();
            Matcher fds = DESCRIPTORS.matcher(code);
            if (fds.matches()) {
                long reserve = Long.parseLong(fds.group(1));
                int fallback = Integer.parseInt(fds.group(2));
                long limit = Defaults.maxDescriptors();
                long expected = limit > 0 ? Math.max(1, Math.min(limit - reserve, Integer.MAX_VALUE)) : fallback;
                assertEquals(expected, ((Number) real).longValue(), r.label() + ": default " + code
                        + " with a descriptor limit of " + limit);
                assertEquals(fallback, Defaults.maxConnectionsFor(-1), r.label() + ": the fallback");
                continue;
            }
            Matcher fraction = FRACTION.matcher(code);
            if (fraction.matches()) {
                Row other = builderRows().stream().filter(o -> o.method().equals(fraction.group(1))).findFirst()
                        .orElseThrow(() -> new AssertionError(r.label() + ": " + fraction.group(1) + " has no row"));
                long divisor = Long.parseLong(fraction.group(2));
                assertEquals(((Number) configValue(defaults, other)).longValue() / divisor,
                        ((Number) real).longValue(), r.label() + ": defaults to " + code);
                WebSocketServer.Builder b = builder();
                invoke(b, setter(other.method()), 123_456L);
                assertEquals(123_456L / divisor, ((Number) configValue(b.config(), r)).longValue(),
                        r.label() + ": follows " + other.method() + " when set");
                continue;
            }
            if (isOption(code)) {
                Row other = builderRows().stream().filter(o -> o.method().equals(code)).findFirst().orElseThrow();
                assertEquals(configValue(defaults, other), real, r.label() + ": defaults to " + code);
                // and it really follows that option
                Class<?> type = setter(code).getParameterTypes()[0];
                Object changed = type == Duration.class ? Duration.ofMillis(7001) : Long.valueOf(12_345);
                WebSocketServer.Builder b = builder();
                invoke(b, setter(code), changed);
                assertEquals(changed, configValue(b.config(), r), r.label() + ": follows " + code + " when set");
                continue;
            }
            Object documented = parse(code, valueType(r), r);
            assertEquals(documented, real, r.label() + ": documented default " + code + " is not the builder's");
        }
    }

    @Test
    void documentedRangesAreWhatTheBuilderAccepts() throws Exception {
        for (Row r : builderRows()) {
            String code = r.rangeCode();
            assertTrue(code != null, r.label() + ": the range must be in `code`");
            Matcher m = RANGE.matcher(code);
            assertTrue(m.matches(), r.label() + ": a range is `[min, max]` or `(min, max]`: " + code);
            boolean lowInclusive = m.group(1).equals("[");
            boolean highInclusive = m.group(4).equals("]");
            Class<?> type = valueType(r);
            if (!isOption(m.group(2))) {
                checkEdge(r, parse(m.group(2), type, r), lowInclusive, -1);
            }
            if (!isOption(m.group(3))) {
                checkEdge(r, parse(m.group(3), type, r), highInclusive, +1);
            } else {
                assertTrue(builderRows().stream().anyMatch(o -> o.method().equals(m.group(3))),
                        r.label() + ": the bound " + m.group(3) + " is not an option in the table");
            }
        }
    }

    /** The edge is accepted when inclusive, refused when not; one step outward is always refused. */
    private static void checkEdge(Row r, Object edge, boolean inclusive, int outward) throws Exception {
        if (inclusive) {
            assertAccepted(r, edge);
        } else {
            assertRefused(r, edge);
            Object inside = step(edge, -outward);
            if (inside != null) {
                assertAccepted(r, inside);
            }
        }
        Object outside = step(edge, outward);
        if (outside != null) {
            assertRefused(r, outside);
        }
    }

    /** The value one unit (1, or 1 ns) further in {@code direction}, or null when the type cannot hold it. */
    private static Object step(Object value, int direction) {
        if (value instanceof Duration d) {
            return d.plusNanos(direction);
        }
        if (value instanceof Integer i) {
            long n = (long) i + direction;
            return n < Integer.MIN_VALUE || n > Integer.MAX_VALUE ? null : (int) n;
        }
        long l = (Long) value;
        return direction > 0 && l == Long.MAX_VALUE || direction < 0 && l == Long.MIN_VALUE ? null : l + direction;
    }

    private static void assertAccepted(Row r, Object value) throws Exception {
        try {
            apply(builder(), r, value);
        } catch (IllegalArgumentException e) {
            fail(r.label() + ": the documented range includes " + value + " but the builder refused it: "
                    + e.getMessage());
        }
    }

    private static void assertRefused(Row r, Object value) throws Exception {
        try {
            apply(builder(), r, value);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(r.name()), r.label() + ": the message should name " + r.name() + ": "
                    + e.getMessage());
            return;
        }
        fail(r.label() + ": the documented range excludes " + value + " but the builder accepted it");
    }

    /** Sets the row's option (or its httpLimits part) to {@code value}. */
    private static void apply(WebSocketServer.Builder b, Row r, Object value) throws Exception {
        if (r.part() == null) {
            invoke(b, setter(r.method()), value);
            return;
        }
        String with = "with" + Character.toUpperCase(r.part().charAt(0)) + r.part().substring(1);
        Object limits;
        try {
            limits = HttpLimits.class.getMethod(with, int.class).invoke(HttpLimits.defaults(), value);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        }
        invoke(b, setter("httpLimits"), limits);
    }

    private static void invoke(WebSocketServer.Builder b, Method m, Object value) throws Exception {
        try {
            m.invoke(b, value);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        }
    }

    private static Exception unwrap(InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException re) {
            return re;
        }
        return e;
    }

    /** The type the row's values have: the setter's parameter, or {@code int} for an httpLimits part. */
    private static Class<?> valueType(Row r) {
        if (r.part() != null) {
            return int.class;
        }
        return setter(r.method()).getParameterTypes()[0];
    }

    private static Object configValue(ServerConfig config, Row r) throws Exception {
        String name = CONFIG_NAMES.getOrDefault(r.method(), r.method());
        Object value = component(config, name, r);
        return r.part() == null ? value : component(value, r.part(), r);
    }

    private static Object component(Object record, String name, Row r) throws Exception {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c.getAccessor().invoke(record);
            }
        }
        throw new AssertionError(r.label() + ": " + record.getClass().getSimpleName() + " has no " + name
                + " (map the option in LimitsDocTest.CONFIG_NAMES)");
    }

    private static boolean isOption(String code) {
        return code.matches("[a-z][A-Za-z]*") && !code.equals("d") && !code.equals("s");
    }

    /** {@code 16 MiB}, {@code 8192}, {@code 10 s}, {@code 0} in the type the option takes. */
    private static Object parse(String code, Class<?> type, Row r) {
        if (type == Duration.class) {
            if (code.equals("0")) {
                return Duration.ZERO;
            }
            Matcher m = DURATION.matcher(code);
            assertTrue(m.matches(), r.label() + ": not a duration such as `10 s`: " + code);
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ns" -> Duration.ofNanos(n);
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        Matcher m = NUMBER.matcher(code);
        assertTrue(m.matches(), r.label() + ": not a number such as `16 MiB` or `8192`: " + code);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long value = switch (unit.toUpperCase(Locale.ROOT)) {
            case "KIB" -> n << 10;
            case "MIB" -> n << 20;
            case "GIB" -> n << 30;
            default -> n;
        };
        if (type == int.class) {
            assertTrue(value <= Integer.MAX_VALUE, r.label() + ": " + code + " does not fit an int");
            return (int) value;
        }
        return value;
    }
}
