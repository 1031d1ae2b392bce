package dev.sleet.bench.tls;

import dev.sleet.bench.load.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer: a Netty 4.2 WebSocket echo server behind {@code SslHandler}, with the same protocols and cipher suites
 * Sleet offers by default and the same number of event loops. Two configurations:
 * <ul>
 *   <li>{@code netty-jdk}: the JDK's TLS provider ({@link SslProvider#JDK}) on NIO;</li>
 *   <li>{@code netty-openssl-epoll}: BoringSSL through netty-tcnative ({@link SslProvider#OPENSSL}) on the epoll
 *       transport, the fastest TLS set-up Netty offers on Linux. Both natives must load: there is no silent
 *       fall-back to the JDK provider or to NIO.</li>
 * </ul>
 * Frames are echoed on the event loop and flushed once per read, as Netty's own echo examples do (a flush per frame
 * costs it a TLS record and a system call per frame). The context is checked to have enabled every requested
 * cipher suite, so both providers serve exactly the suites Sleet does.
 *
 * <p>Thread ownership: the fields are written once by the constructor's thread; the channel and groups are
 * Netty's own (thread-safe).
 */
final class NettyTlsEchoServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    NettyTlsEchoServer(boolean openSsl, int port, int loops, Path certPem, Path keyPem, List<String> protocols,
            List<String> suites) throws Exception {
        if (openSsl) {
            OpenSsl.ensureAvailability(); // throws (with the cause) when netty-tcnative cannot load
        }
        SslContext ssl = SslContextBuilder.forServer(certPem.toFile(), keyPem.toFile())
                .sslProvider(openSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(protocols.toArray(new String[0])).ciphers(suites).build();
        List<String> missing = new ArrayList<>(suites);
        missing.removeAll(ssl.cipherSuites());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the " + (openSsl ? "OpenSSL" : "JDK") + " provider did not enable "
                    + missing + "; it enabled " + ssl.cipherSuites());
        }
        NettyTransport transport = NettyTransport.of(openSsl); // epoll with OpenSSL (must load), else NIO
        boss = transport.group(1);
        workers = transport.group(loops);
        channel = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new HttpServerCodec(),
                                new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/", null, false, 1 << 20),
                                new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                ctx.write(frame.retainedDuplicate());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // Netty's own echo idiom: one flush per read, so SslHandler wraps many frames at once
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
