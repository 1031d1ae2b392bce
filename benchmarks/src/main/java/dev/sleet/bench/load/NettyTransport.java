package dev.sleet.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Netty's transport for a peer server or client: NIO, or epoll (the native transport Netty users run on Linux).
 * Epoll fails loudly when its native library cannot load, so a run labelled "epoll" never falls back to NIO
 * unnoticed.
 */
public record NettyTransport(IoHandlerFactory factory, Class<? extends ServerChannel> serverChannel,
        Class<? extends Channel> socketChannel) {

    public static NettyTransport of(ServerArgs args) {
        return of(args.epoll());
    }

    /** Epoll (which must load) or NIO. */
    public static NettyTransport of(boolean epoll) {
        if (epoll) {
            Epoll.ensureAvailability();
            return new NettyTransport(EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return new NettyTransport(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    public EventLoopGroup group(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }
}
