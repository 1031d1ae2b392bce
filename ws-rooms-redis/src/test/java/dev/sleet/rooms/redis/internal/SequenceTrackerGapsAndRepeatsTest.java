package dev.sleet.rooms.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.rooms.redis.internal.SequenceTracker.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A receiver's view of each origin's numbering per room: gaps are counted, repeats dropped, restarts accepted. */
class SequenceTrackerGapsAndRepeatsTest {
    final SequenceTracker t = new SequenceTracker();
    final long[] gap = {0};

    @Test
    void inOrderMessagesPassWithoutGaps() {
        for (long s = 40; s < 50; s++) { // a receiver that joins late takes the first number it sees as its start
            assertEquals(Verdict.DELIVER, t.accept("r", "a", 1, s, gap));
        }
        assertEquals(0, gap[0]);
    }

    @Test
    void gapsAreCountedAndRepeatsDropped() {
        t.accept("r", "a", 1, 1, gap);
        assertEquals(Verdict.DELIVER, t.accept("r", "a", 1, 5, gap));
        assertEquals(3, gap[0], "2, 3 and 4 never came");
        assertEquals(Verdict.REPEAT, t.accept("r", "a", 1, 5, gap));
        assertEquals(Verdict.REPEAT, t.accept("r", "a", 1, 3, gap));
        assertEquals(3, gap[0]);
    }

    @Test
    void originsAndRoomsAreCountedApartAndANewEpochIsANewStart() {
        Map<String, Long> firsts = Map.of("a", 10L, "b", 700L);
        firsts.forEach((origin, first) -> t.accept("r", origin, 1, first, gap));
        t.accept("other", "a", 1, 1, gap);
        assertEquals(Verdict.DELIVER, t.accept("r", "a", 1, 11, gap));
        assertEquals(Verdict.DELIVER, t.accept("r", "b", 1, 701, gap));
        assertEquals(Verdict.DELIVER, t.accept("other", "a", 1, 2, gap));
        assertEquals(0, gap[0]);
        assertEquals(Verdict.DELIVER, t.accept("r", "a", 2, 1, gap), "origin restarted with a new epoch");
        assertEquals(0, gap[0]);
        t.forget("r");
        assertEquals(Verdict.DELIVER, t.accept("r", "b", 1, 1, gap), "after forget, no memory of 701");
        assertEquals(0, gap[0]);
    }
}
