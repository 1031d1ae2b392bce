package dev.sleet.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Plain TCP: the socket channel itself. */
public final class PlainWire implements Wire {
    private final SocketChannel channel;

    public PlainWire(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean writableFromAnyThread() {
        return true;
    }

    @Override
    public boolean hasPendingOutput() {
        return false;
    }

    @Override
    public boolean flushPending() {
        return true;
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public void abort() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }
}
