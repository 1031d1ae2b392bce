package dev.sleet.examples.guide;

import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.core.Connection;
import dev.sleet.core.Fragment;
import dev.sleet.core.Message;
import dev.sleet.core.MessageStream;
import dev.sleet.core.SendResult;
import dev.sleet.server.WebSocketHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The guide's "Flow control" snippets: compiled here, matched to docs/guide.md by GuideCodeBlocksMatchSourcesTest. */
final class FlowControlSnippets {
    private FlowControlSnippets() {
    }

    /** What a connection still has to send: the numbers up to the {@code n} query parameter. */
    static final class Feed {
        private final int last;
        private int next;

        private Feed(int last) {
            this.last = last;
        }

        static Feed from(UpgradeRequest request) {
            return new Feed(Integer.parseInt(request.queryParam("n").orElse("1000")));
        }

        boolean hasNext() {
            return next < last;
        }

        String next() {
            return "item " + next++;
        }
    }

    /** An upload written to a temporary file as its pieces arrive. */
    record Upload(FileChannel channel, Path file) {
        static Upload start(Connection c) {
            try {
                Path f = Files.createTempFile("upload-" + c.id(), ".bin");
                return new Upload(FileChannel.open(f, StandardOpenOption.WRITE), f);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void finish() throws IOException {
            channel.close();
        }
    }

    // guide:flow-writable
    final class FeedHandler implements WebSocketHandler {
        private final Map<Long, Feed> feeds = new ConcurrentHashMap<>();   // what each connection still has to send

        @Override public void onOpen(Connection c) { feeds.put(c.id(), Feed.from(c.request())); pump(c); }
        @Override public void onWritable(Connection c) { pump(c); }
        @Override public void onMessage(Connection c, Message m) { }
        @Override public void onClose(Connection c, CloseStatus s) { feeds.remove(c.id()); }

        private void pump(Connection c) {
            Feed feed = feeds.get(c.id());
            while (feed.hasNext() && c.isWritable()) {
                c.send(feed.next());
            }
        }
    }
    // end:flow-writable

    static final class Completions {
        // guide:flow-send-async
        void sendFile(Connection c, Iterator<ByteBuffer> chunks) {
            if (!chunks.hasNext()) {
                return;
            }
            c.sendAsync(chunks.next()).whenComplete((ok, failure) -> {
                if (failure == null) {
                    sendFile(c, chunks);                   // runs in the actor: ordered with the other callbacks
                }
            });
        }
        // end:flow-send-async
    }

    static final class Uploads implements WebSocketHandler {
        private final Map<Long, Upload> uploads = new ConcurrentHashMap<>();

        @Override public void onMessage(Connection c, Message m) {
        }

        // guide:flow-receive-fragments
        @Override public boolean receivesFragments() { return true; }

        @Override public void onFragment(Connection c, Fragment f) throws IOException {
            Upload up = uploads.computeIfAbsent(c.id(), id -> Upload.start(c));
            up.channel().write(f.data());
            if (f.isLast()) {
                uploads.remove(c.id()).finish();
            }
        }
        // end:flow-receive-fragments
    }

    static void streamFile(Connection c, Iterable<ByteBuffer> file) {
        // guide:flow-stream
        try (MessageStream out = c.streamBinary()) {
            for (ByteBuffer chunk : file) {
                if (out.send(chunk, false) != SendResult.ENQUEUED) {
                    break;                                 // closed (or dropped): stop producing
                }
            }
            out.send(ByteBuffer.allocate(0), true);
        }
        // end:flow-stream
    }

    /** Where measured latencies go (a histogram in a real application). */
    interface Histogram {
        void record(long nanos);
    }

    static final class Latency implements WebSocketHandler {
        private final Histogram latency;

        Latency(Histogram latency) {
            this.latency = latency;
        }

        @Override public void onMessage(Connection c, Message m) {
        }

        // guide:flow-ping-pong
        @Override public void onOpen(Connection c) {
            c.ping(ByteBuffer.allocate(8).putLong(0, System.nanoTime()));
        }

        @Override public void onPong(Connection c, ByteBuffer payload) {
            if (payload.remaining() == 8) {
                latency.record(System.nanoTime() - payload.getLong(0));
            }
        }
        // end:flow-ping-pong
    }
}
