package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exit propagation (ACTOR-06: client disconnect ends the actor, and linked/monitoring actors are told).
 * Monitors receive a typed {@link Signal.Terminated}; linked actors stop with {@link ExitReason.LinkedExit}
 * unless they trap exits, in which case they receive {@link Signal.Exit}.
 */
class LinksAndMonitorsExitTest {

    private ActorSystem system;

    @BeforeEach
    void start() {
        system = ActorSystem.builder().name("links").workers(2).build();
    }

    @AfterEach
    void stop() {
        assertTrue(system.shutdown(Duration.ofSeconds(5)).clean());
    }

    /** An actor that runs a setup step in onStart, records signals and its stop reason, and obeys commands. */
    private ActorRef<String> spawn(String name, Probe probe, BiConsumer<ActorContext<String>, Probe> setup)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(1);
        ActorRef<String> ref = system.spawn(new Actor<String>() {
            @Override
            public void onStart(ActorContext<String> ctx) {
                setup.accept(ctx, probe);
                ready.countDown();
            }

            @Override
            public void onMessage(ActorContext<String> ctx, String message) {
                switch (message) {
                    case "stop" -> ctx.stop();
                    case "crash" -> throw new IllegalStateException(name + " crashed");
                    default -> probe.add(name + ":" + message);
                }
            }

            @Override
            public void onSignal(ActorContext<String> ctx, Signal signal) {
                probe.add(signal);
            }

            @Override
            public void onStop(ActorContext<String> ctx, ExitReason reason) {
                probe.add(name + " stopped: " + reason.getClass().getSimpleName());
            }
        }, SpawnOptions.defaults().name(name));
        assertTrue(ready.await(5, TimeUnit.SECONDS));
        return ref;
    }

    private static BiConsumer<ActorContext<String>, Probe> nothing() {
        return (ctx, p) -> { };
    }

    @Test
    void monitorHearsEveryKindOfExitWithItsReason() throws Exception {
        Probe probe = new Probe();
        Probe quiet = new Probe();
        ActorRef<String> normal = spawn("normal", quiet, nothing());
        ActorRef<String> crashed = spawn("crashed", quiet, nothing());
        ActorRef<String> killed = spawn("killed", quiet, nothing());
        spawn("monitor", probe, (ctx, p) -> {
            ctx.watch(normal);
            ctx.watch(normal); // twice is once
            ctx.watch(crashed);
            ctx.watch(killed);
        });
        normal.tell("stop");
        Signal.Terminated t1 = probe.next(Signal.Terminated.class);
        assertSame(normal, t1.ref());
        assertSame(ExitReason.NORMAL, t1.reason());

        crashed.tell("crash");
        Signal.Terminated t2 = probe.next(Signal.Terminated.class);
        assertSame(crashed, t2.ref());
        assertEquals("crashed crashed",
                assertInstanceOf(ExitReason.Crashed.class, t2.reason()).cause().getMessage());

        killed.kill("socket closed");
        Signal.Terminated t3 = probe.next(Signal.Terminated.class);
        assertEquals(new ExitReason.Killed("socket closed"), t3.reason());
        probe.expectNothing(Duration.ofMillis(100)); // one notice per watched actor, however often watched
    }

    @Test
    void watchingAnActorThatAlreadyStoppedDeliversItsExitAtOnce() throws Exception {
        Probe quiet = new Probe();
        ActorRef<String> gone = spawn("gone", quiet, nothing());
        gone.kill("earlier");
        quiet.expect("gone stopped: Killed");
        assertFalse(gone.isAlive());
        Probe probe = new Probe();
        spawn("late-monitor", probe, (ctx, p) -> ctx.watch(gone));
        Signal.Terminated t = probe.next(Signal.Terminated.class);
        assertEquals(new ExitReason.Killed("earlier"), t.reason());
    }

    @Test
    void unwatchMeansNoNotice() throws Exception {
        Probe quiet = new Probe();
        ActorRef<String> target = spawn("target", quiet, nothing());
        Probe probe = new Probe();
        ActorRef<String> monitor = system.spawn(new Actor<>() {
            @Override
            public void onMessage(ActorContext<String> ctx, String m) {
                if (m.equals("watch")) {
                    ctx.watch(target);
                } else if (m.equals("unwatch")) {
                    ctx.unwatch(target);
                    probe.add("unwatched");
                }
            }

            @Override
            public void onSignal(ActorContext<String> ctx, Signal signal) {
                probe.add(signal);
            }
        });
        monitor.tell("watch");
        monitor.tell("unwatch");
        probe.expect("unwatched");
        target.tell("stop");
        quiet.expect("target stopped: Normal");
        probe.expectNothing(Duration.ofMillis(150));
    }

    @Test
    void linkedActorStopsWithLinkedExitAndItsMonitorsHearTheChain() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> connection = spawn("connection", probe, nothing());
        ActorRef<String> helper = spawn("helper", probe, (ctx, p) -> ctx.link(connection));
        Probe monitorProbe = new Probe();
        spawn("monitor", monitorProbe, (ctx, p) -> ctx.watch(helper));

        connection.tell("crash"); // the connection dies abnormally
        List<Object> events = List.of(probe.next(), probe.next());
        assertTrue(events.contains("connection stopped: Crashed"), events.toString());
        assertTrue(events.contains("helper stopped: LinkedExit"), events.toString());

        Signal.Terminated t = monitorProbe.next(Signal.Terminated.class);
        assertSame(helper, t.ref());
        ExitReason.LinkedExit linked = assertInstanceOf(ExitReason.LinkedExit.class, t.reason());
        assertSame(connection, linked.from());
        assertInstanceOf(ExitReason.Crashed.class, linked.reason());
        assertFalse(t.reason().isOrderly());
        assertFalse(helper.isAlive());
    }

    @Test
    void aNormalExitPropagatesThroughLinksToo() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> connection = spawn("connection", probe, nothing());
        ActorRef<String> helper = spawn("helper", probe, (ctx, p) -> ctx.link(connection));
        connection.tell("stop"); // a client disconnect: a normal exit
        List<Object> events = List.of(probe.next(), probe.next());
        assertTrue(events.contains("helper stopped: LinkedExit"), events.toString());
        assertFalse(helper.isAlive());
    }

    @Test
    void linksWorkBothWays() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> a = spawn("a", probe, nothing());
        ActorRef<String> b = spawn("b", probe, (ctx, p) -> ctx.link(a));
        b.kill("from b's side");
        List<Object> events = List.of(probe.next(), probe.next());
        assertTrue(events.contains("a stopped: LinkedExit"), events.toString());
        assertTrue(events.contains("b stopped: Killed"), events.toString());
        assertFalse(a.isAlive());
    }

    @Test
    void trappingActorReceivesTheExitAsASignalAndStaysAlive() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> worker = spawn("worker", new Probe(), nothing());
        ActorRef<String> supervisor = spawn("supervisor", probe, (ctx, p) -> {
            ctx.trapExits(true);
            p.add("traps=" + ctx.trapExits());
            ctx.link(worker);
        });
        probe.expect("traps=true");
        worker.tell("crash");
        Signal.Exit exit = probe.next(Signal.Exit.class);
        assertSame(worker, exit.from());
        assertInstanceOf(ExitReason.Crashed.class, exit.reason());
        supervisor.tell("still here");
        probe.expect("supervisor:still here");
        assertTrue(supervisor.isAlive());
    }

    @Test
    void exitsTravelAlongAChain() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> a = spawn("a", probe, nothing());
        ActorRef<String> b = spawn("b", probe, (ctx, p) -> ctx.link(a));
        ActorRef<String> c = spawn("c", probe, (ctx, p) -> ctx.link(b));
        a.kill("root cause");
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(probe.next());
        }
        assertTrue(events.containsAll(List.of("a stopped: Killed", "b stopped: LinkedExit",
                "c stopped: LinkedExit")), events.toString());
        assertFalse(b.isAlive());
        assertFalse(c.isAlive());
    }

    @Test
    void unlinkBreaksTheFateSharing() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> a = spawn("a", probe, nothing());
        ActorRef<String> b = system.spawn(new Actor<String>() {
            @Override
            public void onMessage(ActorContext<String> ctx, String m) {
                if (m.equals("link")) {
                    ctx.link(a);
                } else if (m.equals("unlink")) {
                    ctx.unlink(a);
                    probe.add("unlinked");
                }
            }
        });
        b.tell("link");
        b.tell("unlink");
        probe.expect("unlinked");
        a.kill("bye");
        probe.expect("a stopped: Killed");
        Thread.sleep(100);
        assertTrue(b.isAlive());
    }

    @Test
    void linkingToAnActorThatAlreadyStoppedStopsTheLinker() throws Exception {
        Probe probe = new Probe();
        ActorRef<String> gone = spawn("gone", probe, nothing());
        gone.tell("stop");
        probe.expect("gone stopped: Normal");
        ActorRef<String> linker = spawn("linker", probe, (ctx, p) -> ctx.link(gone));
        probe.expect("linker stopped: LinkedExit");
        assertFalse(linker.isAlive());
    }

    @Test
    void selfAndForeignRefsAreRefused() throws Exception {
        Probe probe = new Probe();
        spawn("self", probe, (ctx, p) -> {
            try {
                ctx.watch(ctx.self());
            } catch (IllegalArgumentException e) {
                p.add("self refused");
            }
            try {
                ctx.link(new ForeignRef());
            } catch (IllegalArgumentException e) {
                p.add("foreign refused");
            }
        });
        probe.expect("self refused");
        probe.expect("foreign refused");
    }

    /** A ref that no Sleet system made. */
    private static final class ForeignRef implements ActorRef<Object> {
        @Override
        public TellResult tell(Object message) {
            return TellResult.DEAD;
        }

        @Override
        public boolean isAlive() {
            return false;
        }

        @Override
        public long id() {
            return -1;
        }

        @Override
        public String name() {
            return "foreign";
        }

        @Override
        public int mailboxSize() {
            return 0;
        }

        @Override
        public void stop() {
        }

        @Override
        public void kill(Object reason) {
        }
    }

    @Test
    void watchersOfManyActorsEachHearOnce() throws Exception {
        int n = 200;
        List<ActorRef<String>> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            targets.add(system.spawn((ctx, m) -> ctx.stop()));
        }
        Probe probe = new Probe();
        spawn("room", probe, (ctx, p) -> targets.forEach(ctx::watch));
        targets.forEach(t -> t.tell("bye"));
        java.util.Set<ActorRef<?>> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(probe.next(Signal.Terminated.class).ref());
        }
        assertEquals(n, seen.size());
        probe.expectNothing(Duration.ofMillis(100));
    }
}
