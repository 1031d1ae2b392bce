package dev.sleet.actor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jctools.queues.atomic.unpadded.MpscUnboundedAtomicUnpaddedArrayQueue;
import org.junit.jupiter.api.Test;

/**
 * The check an actor makes after giving up its turn ("did a message slip in?") must see a message whose
 * sender is in the middle of growing the mailbox by a chunk. JCTools' {@code isEmpty()} does not: a producer
 * that finds the chunk full holds the producer index at an odd value while it links a new chunk, and if the
 * consumer drains the old chunk meanwhile, {@code (c - p) / 2} truncates to 0. A lost wake-up of this kind
 * stranded one message in the fan-out benchmark (about one in 10^9). This test pins that state down
 * deterministically: the element supplier of {@code fill} runs inside the resize, between the odd index and
 * the final one, and drains the old chunk from there as the consumer would.
 */
class MailboxResizeEmptinessTest {

    @Test
    void aProducerMidResizeCountsAsPendingWorkAfterTheOldChunkWasDrained() {
        for (int chunk : new int[] {2, 4, 8, 16}) {
            MpscUnboundedAtomicUnpaddedArrayQueue<Object> q = new MpscUnboundedAtomicUnpaddedArrayQueue<>(chunk);
            List<String> seenMidResize = new ArrayList<>();
            int offered = 0;
            int taken = 0;
            for (int round = 0; round < 4; round++) {
                while (seenMidResize.size() == round && offered - taken < 4 * chunk) {
                    int[] drained = new int[1];
                    q.fill(() -> {
                        if ((q.lvProducerIndex() & 1) == 1) { // inside resize(): the new chunk is not linked yet
                            while (q.relaxedPoll() != null) { // the consumer empties the old chunk meanwhile
                                drained[0]++;
                            }
                            seenMidResize.add("jctoolsEmpty=" + q.isEmpty() + " hasPending=" + ActorCell.hasPending(q));
                        }
                        return "message";
                    }, 1);
                    offered++;
                    taken += drained[0];
                }
                while (q.poll() != null) {
                    taken++;
                }
                assertFalse(ActorCell.hasPending(q), "nothing pending once everything was taken");
            }
            assertEquals(offered, taken, "every message offered was taken, chunk " + chunk);
            System.out.println("chunk " + chunk + ", observed mid-resize: " + seenMidResize);
            assertEquals(4, seenMidResize.size(), "each round grew the queue once, chunk " + chunk);
            for (String s : seenMidResize) {
                assertTrue(s.endsWith("hasPending=true"), "chunk " + chunk + ": " + s);
            }
        }
    }
}
