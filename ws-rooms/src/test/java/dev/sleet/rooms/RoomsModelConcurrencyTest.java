package dev.sleet.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of join, leave, broadcast and disconnect from many threads, checked against a simple
 * sequential model (ROOM-05, ROOM-06). Each thread owns some connections, so the operations on any one
 * connection are sequential and the model knows exactly which rooms it is in; rooms are shared by all threads.
 *
 * <p>Checked: every broadcast reached exactly the thread's own connections that the model has in that room
 * (and none of its others); after the run each connection is in exactly the rooms its model says; no ended
 * connection is in any room; no empty room remains. Replay a failing seed with {@code -Dsleet.seed=N}.
 */
class RoomsModelConcurrencyTest {
    static final int THREADS = 8;
    static final int CONNECTIONS_PER_THREAD = 12;
    static final int ROOMS = 5;
    static final int OPS = 3000;

    static List<Long> seeds() {
        String fixed = System.getProperty("sleet.seed");
        if (fixed != null) {
            return List.of(Long.parseLong(fixed));
        }
        SplittableRandom r = new SplittableRandom();
        return List.of(r.nextLong(), r.nextLong(), r.nextLong(), 42L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void concurrentOperationsMatchTheModel(long seed) throws Exception {
        Rooms rooms = Rooms.create();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Worker w = new Worker(t, seed, rooms, failures);
            workers.add(w);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    w.run();
                } catch (Throwable e) {
                    failures.add("thread " + w.index + " threw " + e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures.stream().limit(5).toList());

        // Final state agrees with every thread's model.
        Map<String, Set<Long>> expected = new HashMap<>();
        for (Worker w : workers) {
            for (FakeConnection c : w.connections) {
                Set<String> modelRooms = w.model.getOrDefault(c.id, Set.of());
                assertEquals(modelRooms, rooms.roomsOf(c), "seed " + seed + ": rooms of " + c);
                for (String r : modelRooms) {
                    expected.computeIfAbsent(r, k -> new HashSet<>()).add(c.id);
                }
            }
        }
        for (String r : rooms.rooms()) {
            assertTrue(rooms.count(r) > 0, "seed " + seed + ": empty room " + r + " remains");
        }
        Map<String, Set<Long>> actual = rooms.rooms().stream().collect(Collectors.toMap(r -> r,
                r -> rooms.members(r).stream().map(dev.sleet.core.Connection::id).collect(Collectors.toSet())));
        assertEquals(expected, actual, "seed " + seed);
    }

    /** One thread's connections, its random operations and its sequential model of their membership. */
    static final class Worker {
        final int index;
        final SplittableRandom random;
        final Rooms rooms;
        final ConcurrentLinkedQueue<String> failures;
        final List<FakeConnection> connections = new ArrayList<>();
        final Map<Long, Set<String>> model = new HashMap<>();
        int broadcastCounter;

        Worker(int index, long seed, Rooms rooms, ConcurrentLinkedQueue<String> failures) {
            this.index = index;
            this.random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
            this.rooms = rooms;
            this.failures = failures;
            for (int i = 0; i < CONNECTIONS_PER_THREAD; i++) {
                connections.add(new FakeConnection(index * 1000L + i));
            }
        }

        void run() {
            for (int op = 0; op < OPS; op++) {
                FakeConnection c = connections.get(random.nextInt(connections.size()));
                String room = "room-" + random.nextInt(ROOMS);
                int kind = random.nextInt(100);
                if (kind < 40) {
                    boolean joined = rooms.join(c, room);
                    boolean should = c.open && !model.getOrDefault(c.id, Set.of()).contains(room);
                    expect(joined == should, "join " + c + " " + room + " returned " + joined);
                    if (joined) {
                        model.computeIfAbsent(c.id, k -> new HashSet<>()).add(room);
                    }
                } else if (kind < 65) {
                    boolean left = rooms.leave(c, room);
                    boolean should = model.getOrDefault(c.id, Set.of()).contains(room);
                    expect(left == should, "leave " + c + " " + room + " returned " + left);
                    if (left) {
                        model.get(c.id).remove(room);
                    }
                } else if (kind < 97) {
                    broadcastAndCheck(room);
                } else if (c.open) {
                    c.end();
                    model.remove(c.id);
                    expect(rooms.roomsOf(c).isEmpty(), "ended " + c + " still in " + rooms.roomsOf(c));
                }
            }
        }

        private void broadcastAndCheck(String room) {
            String msg = "t" + index + "-b" + (broadcastCounter++);
            rooms.broadcast(room, msg);
            for (FakeConnection c : connections) {
                boolean member = model.getOrDefault(c.id, Set.of()).contains(room);
                boolean got = c.receivedSet.contains(msg);
                expect(member == got, msg + " to " + room + ": " + c + (member ? " missed it" : " got it wrongly"));
            }
        }

        private void expect(boolean ok, String what) {
            if (!ok) {
                failures.add(what);
            }
        }
    }
}
