package dev.sleet.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The echo workload's reply checks, driven by an in-memory driver that answers each message at once, either
 * faithfully or changed in one way: a correct echo passes, and a changed character, a changed byte, a reply of
 * the other kind (opcode), a reply out of order and a close by the server are each caught. Also: the absent Sleet
 * driver is listed, reported with its reason and never created.
 */
class EchoWorkloadChecksTest {

    /** Replies to every message in the calling thread; {@code text}/{@code binary} may change the reply. */
    private static class Mirror implements ClientDriver {
        final UnaryOperator<String> text;
        final UnaryOperator<byte[]> binary;
        final boolean swapKinds;
        final boolean reorder;

        Mirror(UnaryOperator<String> text, UnaryOperator<byte[]> binary, boolean swapKinds, boolean reorder) {
            this.text = text;
            this.binary = binary;
            this.swapKinds = swapKinds;
            this.reorder = reorder;
        }

        @Override
        public CompletableFuture<Session> connect(URI uri, Inbound inbound) {
            return CompletableFuture.completedFuture(new Session() {
                final List<Runnable> held = new ArrayList<>();

                private void reply(Runnable r) {
                    if (!reorder) {
                        r.run();
                        return;
                    }
                    held.add(r); // answer pairs in reverse order
                    if (held.size() == 2) {
                        held.get(1).run();
                        held.get(0).run();
                        held.clear();
                    }
                }

                @Override
                public void sendText(String s) {
                    String r = text.apply(s);
                    reply(() -> {
                        if (swapKinds) {
                            inbound.onBinary(ByteBuffer.wrap(r.getBytes(StandardCharsets.UTF_8)));
                        } else {
                            inbound.onText(r);
                        }
                    });
                }

                @Override
                public void sendBinary(byte[] data) {
                    byte[] r = binary.apply(data.clone());
                    reply(() -> inbound.onBinary(ByteBuffer.wrap(r)));
                }

                @Override
                public void flush() {
                }

                @Override
                public CompletableFuture<Void> close() {
                    inbound.onClosed(1000, "");
                    return CompletableFuture.completedFuture(null);
                }
            });
        }

        @Override
        public void close() {
        }
    }

    /** 2 connections × 8 messages (no further sends: every reply is checked, none starts another message). */
    private static long errorsAfter(Mirror m, String payload, int size) throws Exception {
        EchoWorkload w = new EchoWorkload(m, URI.create("ws://127.0.0.1:1/"), 2, 8, payload, size);
        w.open();
        w.stopSending();
        w.start();
        assertEquals(16, w.replies() + (m.swapKinds ? 16 : 0), "every message answered");
        w.closeAll();
        return w.problems.errors.get();
    }

    @Test
    void faithfulEchoPasses() throws Exception {
        Mirror m = new Mirror(s -> s, b -> b, false, false);
        assertEquals(0, errorsAfter(m, "ascii", 32));
        assertEquals(0, errorsAfter(m, "mixed", 256));
        assertEquals(0, errorsAfter(m, "binary", 4096));
    }

    @Test
    void changedCharacterIsCaught() throws Exception {
        Mirror m = new Mirror(s -> s.substring(0, s.length() - 1) + "X", b -> b, false, false);
        assertTrue(errorsAfter(m, "mixed", 256) > 0);
        assertTrue(errorsAfter(m, "ascii", 32) > 0);
    }

    @Test
    void changedSequenceDigitIsCaught() throws Exception {
        Mirror m = new Mirror(s -> "g" + s.substring(1), b -> b, false, false);
        assertTrue(errorsAfter(m, "ascii", 32) > 0);
    }

    @Test
    void changedByteIsCaught() throws Exception {
        Mirror m = new Mirror(s -> s, b -> {
            b[b.length / 2] ^= 1;
            return b;
        }, false, false);
        assertTrue(errorsAfter(m, "binary", 4096) > 0);
    }

    @Test
    void shortReplyIsCaught() throws Exception {
        Mirror m = new Mirror(s -> s.substring(0, s.length() - 1), b -> java.util.Arrays.copyOf(b, b.length - 1),
                false, false);
        assertTrue(errorsAfter(m, "ascii", 32) > 0);
        assertTrue(errorsAfter(m, "binary", 64) > 0);
    }

    @Test
    void otherKindIsCaught() throws Exception {
        Mirror m = new Mirror(s -> s, b -> b, true, false);
        assertTrue(errorsAfter(m, "ascii", 32) > 0);
    }

    @Test
    void replyOutOfOrderIsCaught() throws Exception {
        Mirror m = new Mirror(s -> s, b -> b, false, true);
        EchoWorkload w = new EchoWorkload(m, URI.create("ws://127.0.0.1:1/"), 1, 2, "ascii", 32);
        w.open();
        w.stopSending();
        w.start(); // messages 0 and 1 go out; the mirror answers 1, then 0
        assertEquals(2, w.replies());
        assertTrue(w.problems.errors.get() > 0);
    }

    @Test
    void closeByServerIsADrop() throws Exception {
        EchoWorkload w = new EchoWorkload(new Mirror(s -> s, b -> b, false, false), URI.create("ws://127.0.0.1:1/"),
                1, 1, "ascii", 32);
        w.open();
        // a close that the workload did not ask for: the mirror's close() reports 1000 before closeAll marks it
        ClientDriver.Inbound[] seen = new ClientDriver.Inbound[1];
        Mirror spy = new Mirror(s -> s, b -> b, false, false) {
            @Override
            public CompletableFuture<Session> connect(URI uri, Inbound inbound) {
                seen[0] = inbound;
                return super.connect(uri, inbound);
            }
        };
        EchoWorkload w2 = new EchoWorkload(spy, URI.create("ws://127.0.0.1:1/"), 1, 1, "ascii", 32);
        w2.open();
        seen[0].onClosed(1001, "going away");
        assertEquals(1, w2.problems.dropped.get());
        assertEquals(1, w2.problems.errors.get());
        w.closeAll();
        assertEquals(0, w.problems.dropped.get(), "a close the workload asked for is not a drop");
    }

    @Test
    void everyKnownDriverIsRunnableAndUnknownNamesAreRefused() {
        assertTrue(ClientDrivers.known("sleet").available());
        List<String> notes = new ArrayList<>();
        assertEquals(List.of("netty", "sleet", "jdk"), ClientBench.runnable(List.of("netty", "sleet", "jdk"), notes));
        assertEquals(List.of(), notes);
        assertThrows(IllegalArgumentException.class, () -> ClientDrivers.known("nope"));
    }
}
