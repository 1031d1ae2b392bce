package dev.sleet.rooms.spi;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A broadcast as it crosses between nodes: once per broadcast, whatever the number of members on the other
 * side. The receiving node encodes it once for its own members.
 *
 * @param room        the room
 * @param text        true for a text message (payload is UTF-8), false for binary
 * @param payload     the message payload (read-only)
 * @param exceptId    a connection id to leave out (cluster-wide ids), or {@link #NOBODY}
 * @param originNode  the node that published it, so a node can ignore its own broadcasts
 */
public record RemoteBroadcast(String room, boolean text, ByteBuffer payload, long exceptId, String originNode) {
    /** No connection is excluded. */
    public static final long NOBODY = Long.MIN_VALUE;

    /** Checks the fields; keeps a read-only view of the payload. */
    public RemoteBroadcast {
        Objects.requireNonNull(room, "room");
        payload = payload.asReadOnlyBuffer();
        Objects.requireNonNull(originNode, "originNode");
    }
}
