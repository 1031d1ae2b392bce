package dev.sleet.rooms.internal;

import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.RemoteBroadcast;
import java.util.Map;

/** The single-node backplane: nothing crosses nodes, so every call is a no-op. */
public final class LocalBackplane implements Backplane {
    private final String nodeId;

    public LocalBackplane(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void start(Receiver receiver) {
    }

    @Override
    public void publish(RemoteBroadcast broadcast) {
    }

    @Override
    public void subscribe(String room) {
    }

    @Override
    public void unsubscribe(String room) {
    }

    @Override
    public void memberJoined(String room, long connectionId, Map<String, String> info) {
    }

    @Override
    public void memberLeft(String room, long connectionId) {
    }
}
