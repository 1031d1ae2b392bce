package dev.sleet.server.internal;

import dev.sleet.server.ListenerInfo;
import dev.sleet.server.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/** A bound server socket and the transport its connections use. */
final class Listener {
    final ServerSocketChannel channel;
    final Transport transport;
    final InetSocketAddress address;

    private Listener(ServerSocketChannel channel, Transport transport) throws IOException {
        this.channel = channel;
        this.transport = transport;
        this.address = (InetSocketAddress) channel.getLocalAddress();
    }

    static Listener bind(String host, int port, Transport transport) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(host, port), 4096);
            ch.configureBlocking(false);
            return new Listener(ch, transport);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    ListenerInfo info() {
        return new ListenerInfo(address, transport.name(), transport.secure());
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
