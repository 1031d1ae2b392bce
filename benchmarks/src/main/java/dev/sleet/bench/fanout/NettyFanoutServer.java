package dev.sleet.bench.fanout;

import dev.sleet.bench.load.NettyTransport;
import dev.sleet.bench.load.ServerArgs;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The Netty 4.2 fan-out peer: members go into a {@link ChannelGroup} once their handshake completes; a text frame
 * from the publisher ({@code /pub}) is sent with {@code group.writeAndFlush(frame)}, which hands every member a
 * {@code retainedDuplicate()} of the same payload (each member's encoder writes its own header).
 */
public final class NettyFanoutServer {
    private NettyFanoutServer() {
    }

    static final class Fanout extends ChannelInboundHandlerAdapter {
        private final ChannelGroup members;
        private boolean publisher;

        Fanout(ChannelGroup members) {
            this.members = members;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
                publisher = FanoutPaths.isPublisher(done.requestUri());
                if (!publisher) {
                    members.add(ctx.channel());
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (publisher && msg instanceof TextWebSocketFrame frame) {
                members.writeAndFlush(frame); // the group duplicates it per member and releases it when done
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv).requirePlain("NettyFanoutServer");
        ChannelGroup members = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
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
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/").checkStartsWith(true).build()),
                                new Fanout(members));
                    }
                })
                .bind("127.0.0.1", args.port()).sync();
        ServerArgs.listening(args.port());
        ServerArgs.park();
    }
}
