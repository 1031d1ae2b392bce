package dev.sleet.rooms;

import dev.sleet.actor.ActorRef;
import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.core.Connection;
import dev.sleet.core.PreparedMessage;
import dev.sleet.core.SendResult;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection without a socket, for unit and model tests of membership logic: it records what it is sent and
 * ends when told. End-to-end tests use real connections.
 */
final class FakeConnection implements Connection {
    final long id;
    final List<String> received = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final java.util.Set<String> receivedSet = ConcurrentHashMap.newKeySet();
    final CompletableFuture<CloseStatus> end = new CompletableFuture<>();
    volatile boolean open = true;
    volatile SendResult answer = SendResult.ENQUEUED;

    FakeConnection(long id) {
        this.id = id;
    }

    /** Ends the connection: what the server does when the socket closes. */
    void end() {
        open = false;
        end.complete(CloseStatus.ABNORMAL);
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public SendResult send(PreparedMessage message) {
        if (!open) {
            return SendResult.CLOSED;
        }
        if (answer == SendResult.ENQUEUED) {
            String text = StandardCharsets.UTF_8.decode(message.payload()).toString();
            received.add(text);
            receivedSet.add(text);
        }
        return answer;
    }

    @Override
    public SendResult send(String text) {
        return send(PreparedMessage.text(text));
    }

    @Override
    public SendResult send(ByteBuffer data) {
        return send(PreparedMessage.binary(data));
    }

    @Override
    public SendResult send(byte[] data) {
        return send(ByteBuffer.wrap(data));
    }

    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        return end;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public UpgradeRequest request() {
        return null;
    }

    @Override
    public Optional<String> subprotocol() {
        return Optional.empty();
    }

    @Override
    public Optional<String> extension() {
        return Optional.empty();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    public SendResult ping(ByteBuffer payload) {
        return SendResult.ENQUEUED;
    }

    @Override
    public void close(CloseStatus status) {
        end();
    }

    @Override
    public long queuedBytes() {
        return 0;
    }

    @Override
    public boolean tell(Object message) {
        return false;
    }

    @Override
    public ActorRef<?> actor() {
        return null;
    }

    @Override
    public <T> T state(Class<T> type) {
        return null;
    }

    @Override
    public CompletionStage<Void> sendAsync(String text) {
        return result(send(text));
    }

    @Override
    public CompletionStage<Void> sendAsync(ByteBuffer data) {
        return result(send(data));
    }

    @Override
    public CompletionStage<Void> sendAsync(byte[] data) {
        return result(send(data));
    }

    @Override
    public CompletionStage<Void> sendAsync(PreparedMessage message) {
        return result(send(message));
    }

    /** A fake writes nothing: a queued message counts as written at once. */
    private static CompletionStage<Void> result(SendResult r) {
        return r == SendResult.ENQUEUED ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : java.util.concurrent.CompletableFuture.failedFuture(new dev.sleet.core.SendFailedException(r, null));
    }

    @Override
    public boolean isWritable() {
        return open;
    }

    @Override
    public dev.sleet.core.MessageStream streamText() {
        throw new UnsupportedOperationException("not used by the rooms tests");
    }

    @Override
    public dev.sleet.core.MessageStream streamBinary() {
        throw new UnsupportedOperationException("not used by the rooms tests");
    }

    @Override
    public String toString() {
        return "Fake#" + id;
    }
}
