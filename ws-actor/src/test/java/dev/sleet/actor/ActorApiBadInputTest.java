package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The API's edges: bad settings get a specific exception naming the setting; options are immutable values;
 * exit reasons are typed and pattern-matchable; the module exports its API package only and requires JCTools
 * but not {@code jdk.unsupported}: only JCTools' Unsafe-free {@code org.jctools.queues.atomic} queues are used
 * (ws-examples' {@code CleanStartLaunchTest} checks the consequence, no JVM warning, with {@code java -m}).
 */
class ActorApiBadInputTest {

    @Test
    void builderRefusesBadSettingsWithTheirName() {
        ActorSystem.Builder b = ActorSystem.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.workers(0)).getMessage().contains("workers"));
        assertThrows(IllegalArgumentException.class, () -> b.workers(40_000));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.batchSize(0)).getMessage()
                .contains("batchSize"));
        assertThrows(IllegalArgumentException.class, () -> b.timerTick(Duration.ofNanos(10)));
        assertThrows(IllegalArgumentException.class, () -> b.timerWheelSize(3));
        assertThrows(IllegalArgumentException.class, () -> b.name(" "));
        assertThrows(NullPointerException.class, () -> b.name(null));
        assertThrows(IllegalArgumentException.class, () -> b.closeTimeout(Duration.ZERO));
    }

    @Test
    void defaultSystemHasOneWorkerPerProcessor() {
        try (ActorSystem system = ActorSystem.create()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), system.workers());
            assertEquals(system.workers(), system.metrics().workers());
            assertEquals("sleet", system.name());
            assertTrue(system.isRunning());
        }
    }

    @Test
    void spawnOptionsAreImmutableValues() {
        SpawnOptions d = SpawnOptions.defaults();
        SpawnOptions named = d.name("x");
        assertNotSame(d, named);
        assertNull(d.name());
        assertEquals("x", named.name());
        assertSame(SpawnOptions.Mailbox.UNBOUNDED, d.mailbox());
        assertSame(SpawnOptions.Supervision.STOP, d.supervision());
        assertEquals(SpawnOptions.Execution.DISPATCHER, d.execution());
        SpawnOptions all = d.bounded(8, MailboxOverflowPolicy.DROP_NEWEST).restart(2, Duration.ofSeconds(1)).virtualThreads();
        assertEquals(new SpawnOptions.Mailbox.Bounded(8, MailboxOverflowPolicy.DROP_NEWEST), all.mailbox());
        assertEquals(new SpawnOptions.Supervision.Restart(2, Duration.ofSeconds(1)), all.supervision());
        assertEquals(SpawnOptions.Execution.VIRTUAL_THREADS, all.execution());
        assertEquals(SpawnOptions.Execution.DISPATCHER, all.dispatcher().execution());
        assertSame(SpawnOptions.Mailbox.UNBOUNDED, all.unbounded().mailbox());
        assertSame(SpawnOptions.Supervision.STOP, all.stopOnCrash().supervision());
        assertThrows(IllegalArgumentException.class, () -> d.restart(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> d.restart(1, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> d.mailbox(null));
        assertThrows(NullPointerException.class, () -> d.execution(null));
    }

    @Test
    void spawnRefusesNulls() {
        try (ActorSystem system = ActorSystem.builder().name("nulls").workers(1).build()) {
            assertThrows(NullPointerException.class, () -> system.spawn(null));
            assertThrows(NullPointerException.class, () -> system.spawn((ctx, m) -> { }, null));
        }
    }

    @Test
    void exitReasonsAreTypedAndPatternMatchable() {
        Throwable boom = new IllegalStateException("boom");
        try (ActorSystem system = ActorSystem.builder().name("reasons").workers(1).build()) {
            ActorRef<Object> from = system.spawn((ctx, m) -> { });
            ExitReason[] reasons = {ExitReason.NORMAL, new ExitReason.Crashed(boom), new ExitReason.Killed("k"),
                ExitReason.SHUTDOWN, new ExitReason.LinkedExit(from, ExitReason.NORMAL),
                new ExitReason.LinkedExit(from, new ExitReason.Crashed(boom))};
            String[] described = new String[reasons.length];
            for (int i = 0; i < reasons.length; i++) {
                described[i] = switch (reasons[i]) {
                    case ExitReason.Normal n -> "normal";
                    case ExitReason.Crashed(Throwable cause) -> "crashed:" + cause.getMessage();
                    case ExitReason.Killed(Object why) -> "killed:" + why;
                    case ExitReason.Shutdown s -> "shutdown";
                    case ExitReason.LinkedExit(ActorRef<?> f, ExitReason inner) -> "linked:" + inner.isOrderly();
                };
            }
            assertEquals("normal,crashed:boom,killed:k,shutdown,linked:true,linked:false",
                    String.join(",", described));
            assertTrue(ExitReason.NORMAL.isOrderly());
            assertTrue(ExitReason.SHUTDOWN.isOrderly());
            assertFalse(new ExitReason.Crashed(boom).isOrderly());
            assertEquals(ExitReason.NORMAL, new ExitReason.Normal());
            assertThrows(NullPointerException.class, () -> new ExitReason.Crashed(null));
            assertThrows(NullPointerException.class, () -> new ExitReason.LinkedExit(null, ExitReason.NORMAL));
            Signal s = new Signal.Terminated(from, ExitReason.NORMAL);
            assertInstanceOf(Signal.Terminated.class, s);
            assertTrue(TellResult.ENQUEUED.accepted());
            assertFalse(TellResult.MAILBOX_FULL.accepted());
        }
    }

    @Test
    void moduleExportsOnlyItsApiAndRequiresJctoolsButNotJdkUnsupported() {
        Module module = ActorSystem.class.getModule();
        if (!module.isNamed()) {
            org.junit.jupiter.api.Assumptions.abort("tests run on the class path here; module checks need the module path");
        }
        ModuleDescriptor d = module.getDescriptor();
        assertEquals("dev.sleet.actor", d.name());
        Set<String> exports = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("dev.sleet.actor"), exports);
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.contains("org.jctools.core"), requires.toString());
        // only org.jctools.queues.atomic is used: no sun.misc.Unsafe, so no JDK 24+ warning and no flag
        assertFalse(requires.contains("jdk.unsupported"), requires.toString());
        assertFalse(module.isExported("dev.sleet.actor.internal"));
    }
}
