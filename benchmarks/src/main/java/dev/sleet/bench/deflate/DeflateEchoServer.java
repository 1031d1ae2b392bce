package dev.sleet.bench.deflate;

import dev.sleet.deflate.DeflateConfig;
import dev.sleet.deflate.PerMessageDeflate;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One echo server in its own JVM, for {@link DeflateBench}: {@code sleet|netty plain|deflate|deflate-nocontext}.
 * Prints {@code PORT n}, then answers commands on stdin: {@code mem} prints {@code MEM heapUsedBytes rssBytes} after
 * two full GCs; {@code quit} stops.
 *
 * <p>Both servers get two I/O threads; Sleet also its default two actor workers. Netty is set up as its documentation
 * shows: HTTP codec and aggregator, {@code WebSocketServerCompressionHandler} (per-message deflate, its defaults:
 * level 6, context takeover, 32 KiB windows, with a 16 MiB decompression cap like Sleet's message limit),
 * {@code WebSocketServerProtocolHandler} and an echo handler that writes on read and flushes on read-complete.
 */
public final class DeflateEchoServer {
    private DeflateEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        String impl = args[0];
        String mode = args[1];
        AutoCloseable server = impl.equals("sleet") ? sleet(mode) : netty(mode);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("mem")) {
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    Thread.sleep(100);
                }
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.println("MEM " + heap + " " + rss());
            } else if (line.equals("quit")) {
                break;
            }
        }
        server.close();
        System.exit(0);
    }

    static long rss() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    static AutoCloseable sleet(String mode) throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2).workers(2)
                .handler(new WebSocketHandler() {
                    @Override
                    public void onMessage(dev.sleet.core.Connection c, Message m) {
                        switch (m) {
                            case Message.Text t -> c.send(t.text());
                            case Message.Binary bin -> c.send(bin.data());
                        }
                    }
                });
        if (mode.equals("deflate")) {
            b.extension(new PerMessageDeflate());
        } else if (mode.equals("deflate-nocontext")) {
            b.extension(new PerMessageDeflate(DeflateConfig.noContextTakeover()));
        }
        WebSocketServer s = b.start();
        System.out.println("PORT " + s.port());
        System.out.flush();
        return s;
    }

    static AutoCloseable netty(String mode) throws Exception {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        boolean deflate = !mode.equals("plain");
        Channel ch = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        ChannelPipeline p = c.pipeline();
                        p.addLast(new HttpServerCodec());
                        p.addLast(new HttpObjectAggregator(65536));
                        if (deflate) {
                            p.addLast(new WebSocketServerCompressionHandler(16 << 20));
                        }
                        p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath("/").allowExtensions(deflate).maxFramePayloadLength(16 << 20).build()));
                        p.addLast(new Echo());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        System.out.println("PORT " + ((InetSocketAddress) ch.localAddress()).getPort());
        System.out.flush();
        return () -> {
            ch.close().sync();
            boss.shutdownGracefully().sync();
            workers.shutdownGracefully().sync();
        };
    }

    static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
            if (f instanceof TextWebSocketFrame) {
                ctx.write(new TextWebSocketFrame(f.content().retain()));
            } else if (f instanceof BinaryWebSocketFrame) {
                ctx.write(new BinaryWebSocketFrame(f.content().retain()));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
