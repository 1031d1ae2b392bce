package dev.sleet.rooms.redis.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The connections a {@link Link} talks through: one standalone Redis ({@link StandaloneTransport}) or a Redis
 * Cluster with sharded pub/sub ({@link ClusterTransport}). Every method is called by the link's worker thread
 * only; the callbacks in {@link Events} come from Lettuce's I/O threads.
 */
interface Transport {

    /** What the connections report to the link. */
    interface Events {
        /** A broadcast arrived on {@code channel}. */
        void message(byte[] channel, byte[] body);

        /** The link as a whole is gone (standalone: either connection closed). */
        void dropped(String why);

        /** Something changed that the worker should look at ({@link #maintain}). */
        void wake();
    }

    /** Connects (waits at most the connect timeout); throws when Redis cannot be reached. */
    void open() throws Exception;

    /** False once the link as a whole is gone and must be opened again. */
    boolean isOpen();

    /** {@code PUBLISH} (standalone) or {@code SPUBLISH} on the shard that owns the channel (cluster). */
    RedisFuture<Long> publish(byte[] channel, byte[] body);

    /** A script, on the shard that owns {@code keys[0]} in a cluster (all keys must share its slot). */
    RedisFuture<Object> eval(String script, ScriptOutputType type, byte[][] keys, byte[]... args);

    RedisFuture<String> ping();

    /** Sends what was queued (commands are written in batches). */
    void flush();

    /** Starts listening on {@code channels}; the stages complete when Redis confirmed. */
    List<CompletionStage<?>> subscribe(byte[][] channels);

    void unsubscribe(byte[][] channels);

    /**
     * Called by the worker now and then: a cluster transport moves subscriptions whose slot changed owner or
     * whose shard connection dropped. True when the topology changed or a shard was lost since the last call, so
     * that the link rewrites its presence (a promoted replica may lack the last writes; a shard back from the
     * dead is empty).
     */
    boolean maintain();

    /** Counters of this transport for {@code metrics()}; empty for a standalone one. */
    Map<String, Long> metrics();

    /** Closes the connections (the link may open again). */
    void close();

    /** Releases the client; the transport is not used again. */
    void shutdown();
}
