package dev.sleet.bench.fanout;

import dev.sleet.bench.load.NettyEchoServer;
import dev.sleet.bench.load.NettyTransport;
import dev.sleet.bench.load.ServerArgs;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Netty 4.2 fan-out peer written the way a Netty expert would: each broadcast is encoded once into a
 * {@link ByteBuf} holding the whole WebSocket frame (RFC 6455 §5.2 header, unmasked, then the payload); members
 * are kept per event loop, and each loop gets one task per broadcast that writes a {@code retainedDuplicate()} to
 * each of its members with the channel's {@code voidPromise()} (no future per write). A loop flushes its members
 * once per turn: the first broadcast task of a turn schedules one flush task behind the broadcasts queued so far.
 * The frame bytes pass the pipeline's WebSocket encoder untouched (it encodes {@code WebSocketFrame}s only).
 *
 * <table>
 *   <caption>Who owns what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th></tr>
 *   <tr><td>{@link LoopMembers#members}, {@link LoopMembers#flushScheduled}</td><td>that loop's thread</td>
 *       <td>that loop's thread</td></tr>
 *   <tr><td>{@code loops} (map from event loop to its members)</td><td>any loop (computeIfAbsent)</td>
 *       <td>the publisher's loop</td></tr>
 * </table>
 */
public final class NettyExpertFanoutServer {
    private NettyExpertFanoutServer() {
    }

    /** The members served by one event loop; touched only on that loop. */
    static final class LoopMembers {
        final EventLoop loop;
        final List<Channel> members = new ArrayList<>();
        boolean flushScheduled;
        private final Runnable flush = this::flushAll;

        LoopMembers(EventLoop loop) {
            this.loop = loop;
        }

        /** Runs on {@link #loop}: one write per member, and one flush per turn. */
        void deliver(ByteBuf frame) {
            try {
                for (int i = 0, n = members.size(); i < n; i++) {
                    Channel ch = members.get(i);
                    ch.write(frame.retainedDuplicate(), ch.voidPromise());
                }
            } finally {
                frame.release();
            }
            if (!flushScheduled) {
                flushScheduled = true;
                loop.execute(flush);
            }
        }

        private void flushAll() {
            flushScheduled = false;
            for (int i = 0, n = members.size(); i < n; i++) {
                members.get(i).flush();
            }
        }
    }

    static final class Fanout extends ChannelInboundHandlerAdapter {
        private final Map<EventLoop, LoopMembers> loops;
        private boolean publisher;
        private LoopMembers mine;

        Fanout(Map<EventLoop, LoopMembers> loops) {
            this.loops = loops;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
                publisher = FanoutPaths.isPublisher(done.requestUri());
                if (!publisher) {
                    mine = loops.computeIfAbsent(ctx.channel().eventLoop(), LoopMembers::new);
                    mine.members.add(ctx.channel());
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (mine != null) {
                mine.members.remove(ctx.channel());
            }
            super.channelInactive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (publisher && msg instanceof TextWebSocketFrame text) {
                ByteBuf frame = encode(ctx, text.content());
                text.release();
                for (LoopMembers l : loops.values()) {
                    frame.retain();
                    l.loop.execute(() -> l.deliver(frame));
                }
                frame.release();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        /** The whole server frame: FIN + text opcode, the minimal length encoding, no mask, the payload. */
        private static ByteBuf encode(ChannelHandlerContext ctx, ByteBuf payload) {
            int n = payload.readableBytes();
            ByteBuf f = ctx.alloc().directBuffer((n < 126 ? 2 : n < 65536 ? 4 : 10) + n);
            f.writeByte(0b1000_0001);
            if (n < 126) {
                f.writeByte(n);
            } else if (n < 65536) {
                f.writeByte(126).writeShort(n);
            } else {
                f.writeByte(127).writeLong(n);
            }
            f.writeBytes(payload, payload.readerIndex(), n);
            return f;
        }
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv).requirePlain("NettyExpertFanoutServer");
        Map<EventLoop, LoopMembers> loops = new ConcurrentHashMap<>();
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
                                NettyEchoServer.protocolHandler(), new Fanout(loops));
                    }
                })
                .bind("127.0.0.1", args.port()).sync();
        ServerArgs.listening(args.port());
        ServerArgs.park();
    }
}
