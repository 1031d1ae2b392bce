package dev.sleet.rooms.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One standalone Redis: a command connection (publish, scripts, heartbeat; flushed in batches) and a pub/sub
 * connection ({@code SUBSCRIBE}). Either one closing drops the whole link.
 *
 * <p>Owners: {@code cmd}, {@code async}, {@code sub} are written by the link's worker in {@link #open} and
 * {@link #close}; the state listener reads them from Lettuce's I/O threads (hence volatile).
 */
final class StandaloneTransport implements Transport {
    private final RedisClient client;
    private final RedisURI commandUri;
    private final RedisURI subscriberUri;
    private final Events events;
    private volatile StatefulRedisConnection<byte[], byte[]> cmd;
    private volatile RedisAsyncCommands<byte[], byte[]> async;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> sub;

    private final RedisConnectionStateListener stateListener = new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == (Object) cmd || connection == (Object) sub) {
                events.dropped("the connection closed");
            }
        }
    };

    private final RedisPubSubAdapter<byte[], byte[]> listener = new RedisPubSubAdapter<>() {
        @Override
        public void message(byte[] channel, byte[] body) {
            events.message(channel, body);
        }
    };

    StandaloneTransport(ClientResources resources, ClientOptions options, RedisURI base, String nodeId,
            Events events) {
        this.client = RedisClient.create(resources);
        client.setOptions(options);
        // Named connections: CLIENT LIST shows which node each belongs to and what it does.
        this.commandUri = RedisURI.builder(base).withClientName("sleet-" + nodeId + "-cmd").build();
        this.subscriberUri = RedisURI.builder(base).withClientName("sleet-" + nodeId + "-sub").build();
        this.events = events;
    }

    @Override
    public void open() {
        StatefulRedisConnection<byte[], byte[]> c = null;
        try {
            c = client.connect(ByteArrayCodec.INSTANCE, commandUri);
            c.addListener(stateListener);
            StatefulRedisPubSubConnection<byte[], byte[]> s =
                    client.connectPubSub(ByteArrayCodec.INSTANCE, subscriberUri);
            s.addListener(listener);
            s.addListener(stateListener);
            c.setAutoFlushCommands(false);
            cmd = c;
            async = c.async();
            sub = s;
        } catch (RuntimeException e) {
            Link.closeQuietly(c);
            throw e;
        }
    }

    @Override
    public boolean isOpen() {
        StatefulRedisConnection<byte[], byte[]> c = cmd;
        StatefulRedisPubSubConnection<byte[], byte[]> s = sub;
        return c != null && s != null && c.isOpen() && s.isOpen();
    }

    @Override
    public RedisFuture<Long> publish(byte[] channel, byte[] body) {
        return async.publish(channel, body);
    }

    @Override
    public RedisFuture<Object> eval(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return async.eval(script, type, keys, args);
    }

    @Override
    public RedisFuture<String> ping() {
        return async.ping();
    }

    @Override
    public void flush() {
        cmd.flushCommands();
    }

    @Override
    public List<CompletionStage<?>> subscribe(byte[][] channels) {
        return List.of(sub.async().subscribe(channels));
    }

    @Override
    public void unsubscribe(byte[][] channels) {
        sub.async().unsubscribe(channels);
    }

    @Override
    public boolean maintain() {
        return false;
    }

    @Override
    public Map<String, Long> metrics() {
        return Map.of();
    }

    @Override
    public void close() {
        Link.closeQuietly(cmd);
        Link.closeQuietly(sub);
        cmd = null;
        async = null;
        sub = null;
    }

    @Override
    public void shutdown() {
        cmd = null; // the client closes both connections as it shuts down
        sub = null;
        async = null;
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
