package dev.sleet.core;

import dev.sleet.actor.ActorRef;
import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.UpgradeRequest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One open WebSocket connection. Every method is safe to call from any thread and none blocks: sends are queued
 * for the connection's event loop and report their outcome at once.
 */
public interface Connection {

    /** An id unique within this server (and, with a node prefix, across a cluster). */
    long id();

    /** The upgrade request that opened this connection (path, query, headers, addresses). */
    UpgradeRequest request();

    /** The subprotocol agreed in the handshake, if any. */
    Optional<String> subprotocol();

    /**
     * The extension agreed in the opening handshake, as its {@code Sec-WebSocket-Extensions} value (for example
     * {@code permessage-deflate; client_max_window_bits=10}); empty when none was. At most one codec extension is
     * agreed per connection.
     */
    Optional<String> extension();

    /**
     * The client's address: the socket's peer, or — behind a load balancer — the client named by the PROXY
     * protocol header ({@code WebSocketServer.Builder.proxyProtocol}) or by a trusted proxy's {@code Forwarded} or
     * {@code X-Forwarded-For} ({@code trustedProxies}); the same as {@code request().remoteAddress()} once the
     * request has been read. {@code request().peerAddress()} is the socket's peer.
     */
    InetSocketAddress remoteAddress();

    /** Sends a text message (opcode 0x1). */
    SendResult send(String text);

    /** Sends a binary message (opcode 0x2) with the buffer's remaining bytes; they are copied before return. */
    SendResult send(ByteBuffer data);

    /** Sends a binary message (opcode 0x2); the array is copied before return. */
    SendResult send(byte[] data);

    /**
     * Sends {@code message} as a text or binary message. A message this connection's handler was given and is still
     * handling (an echo, in {@code onMessage}) goes back out in the frame it arrived in: its bytes are neither
     * copied nor encoded again (unless an extension such as permessage-deflate transforms sends). Any other message
     * is sent as {@link #send(String)} or {@link #send(ByteBuffer)} would send it.
     */
    default SendResult send(Message message) {
        return switch (message) {
            case Message.Text t -> send(t.text());
            case Message.Binary b -> send(b.data());
        };
    }

    /** Sends a message encoded once for many connections; its bytes are shared, not copied. */
    SendResult send(PreparedMessage message);

    /**
     * Sends a ping with up to 125 bytes of payload (RFC 6455 §5.5.2). It counts against the outbound cap like data;
     * once {@link SendResult#ENQUEUED} it counts in the side's {@code pingsSent} metric (the server's {@code ServerMetrics}).
     */
    SendResult ping(ByteBuffer payload);

    /** Starts the close handshake with 1000 (normal closure). */
    default void close() {
        close(CloseStatus.NORMAL);
    }

    /** Starts the close handshake with {@code code} and {@code reason} (trimmed to 123 UTF-8 bytes). */
    default void close(int code, String reason) {
        close(new CloseStatus(code, reason));
    }

    /**
     * Starts the close handshake (RFC 6455 §7.1.2): queues a close frame after what is already queued, refuses
     * further sends, and closes TCP when the peer answers or the close timeout passes. Idempotent.
     */
    void close(CloseStatus status);

    /** True until the close handshake starts or the connection drops. */
    boolean isOpen();

    /** Outbound bytes queued and not yet written to the socket. */
    long queuedBytes();

    /**
     * Sends {@code message} to this connection's actor; the handler receives it in
     * {@link ConnectionHandler#onInfo}, in the same mailbox as (and ordered with) the connection's frames
     * Returns false when the connection's actor has ended.
     */
    boolean tell(Object message);

    /**
     * The connection's actor, for {@code watch}/{@code link} from other actors: it ends when the connection ends,
     * and watchers hear why.
     */
    ActorRef<?> actor();

    /**
     * Completes with the final status once the connection has ended (socket closed), whatever the cause; a
     * stage obtained after the end is already complete. Callbacks run on the thread that completes it (an event
     * loop), so they must be short — the place for clean-up such as leaving rooms.
     */
    java.util.concurrent.CompletionStage<CloseStatus> closeFuture();

    /**
     * The state the handler attached when it accepted the connection (on a server, {@code ConnectDecision.accept(state)}; a client connection has none), as
     * a {@code type}: {@code Member m = connection.state(Member.class)}; null when none was attached. For data that
     * changes while the connection lives, attach a mutable object of your own (one per connection) as the state.
     *
     * @throws ClassCastException naming both types, when the state attached is not a {@code type}
     */
    <T> T state(Class<T> type);

    // ---------------------------------------------------------------------------------------------------------
    // Flow control for producers
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Sends a text message (opcode 0x1) and says when it is out: the stage completes once the message's last byte
     * has been written to the socket (on TLS: once it has been encrypted and handed to the socket, or to the TLS
     * wire's own buffer when the socket is full), in order with the connection's other sends. It fails with a
     * {@link SendFailedException}: at once when the send is refused ({@link SendResult#DROPPED} or
     * {@link SendResult#CLOSED}), or when the connection ends before the message is out (with its close status).
     * Every stage completes one way or the other; none is left pending after the connection ends.
     *
     * <p>Where its continuations run: a stage refused at once is already failed when returned, so continuations run
     * on the caller's thread. Otherwise the stage is completed in the connection's actor, in order with its other
     * callbacks (on a worker of the actor system if the actor has already stopped) — never on an event loop. A
     * producer running in the actor can therefore chain its next send to the stage. Costs one small allocation
     * per call; plain {@link #send(String)} costs none of it.
     */
    java.util.concurrent.CompletionStage<Void> sendAsync(String text);

    /** As {@link #sendAsync(String)}, for a binary message of the buffer's remaining bytes (copied before return). */
    java.util.concurrent.CompletionStage<Void> sendAsync(ByteBuffer data);

    /** As {@link #sendAsync(String)}, for a binary message (the array is copied before return). */
    java.util.concurrent.CompletionStage<Void> sendAsync(byte[] data);

    /** As {@link #sendAsync(String)}, for a message encoded once for many connections. */
    java.util.concurrent.CompletionStage<Void> sendAsync(PreparedMessage message);

    /**
     * False from the moment the outbound queue reaches the high-water mark ({@code writeHighWater} on the builder,
     * by default half of {@code maxQueuedBytes}) until it falls below the low-water mark ({@code writeLowWater}, by
     * default a quarter); the handler hears of the second edge in {@link ConnectionHandler#onWritable}. A producer
     * that sends only while this is true stays under the high-water mark plus one message, far from the cap, so it
     * is never cut with 1008 however slowly the peer reads. Also false once the connection is closed.
     */
    boolean isWritable();

    /**
     * Starts an outgoing text message sent in pieces (RFC 6455 §5.4); see {@link MessageStream} for what happens to
     * other sends meanwhile, and when the connection closes.
     *
     * @throws IllegalStateException when a streamed message is already open on this connection
     */
    MessageStream streamText();

    /**
     * Starts an outgoing binary message sent in pieces (RFC 6455 §5.4); see {@link MessageStream}.
     *
     * @throws IllegalStateException when a streamed message is already open on this connection
     */
    MessageStream streamBinary();
}
