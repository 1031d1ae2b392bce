package dev.sleet.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The Netty 4.2 peer: the usual pipeline (HTTP codec, aggregator, {@link WebSocketServerProtocolHandler} with its
 * UTF-8 validation on) and a handler that writes each data frame back as a {@code retainedDuplicate()} and
 * flushes once per read batch ({@code channelReadComplete}), which is the idiomatic way to echo pipelined input.
 * NIO (or, with {@code --transport epoll}, epoll) with {@code --threads} event loops, like Sleet.
 */
public final class NettyEchoServer {
    private NettyEchoServer() {
    }

    static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                ctx.write(frame.retainedDuplicate());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** The WebSocket part of the pipeline, shared with the fan-out server. */
    public static WebSocketServerProtocolHandler protocolHandler() {
        return new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .maxFramePayloadLength(16 << 20)
                .build());
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv).requirePlain("NettyEchoServer");
        NettyTransport transport = NettyTransport.of(args);
        EventLoopGroup boss = transport.group(1);
        EventLoopGroup workers = transport.group(args.threads());
        new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                protocolHandler(), new Echo());
                    }
                })
                .bind("127.0.0.1", args.port()).sync();
        ServerArgs.listening(args.port());
        ServerArgs.park();
    }
}
