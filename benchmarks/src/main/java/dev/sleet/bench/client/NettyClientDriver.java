package dev.sleet.bench.client;

import dev.sleet.bench.load.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Netty 4.2's WebSocket client, set up the way Netty's own examples and experienced users do: one
 * {@link EventLoopGroup} of {@code ioThreads} loops (NIO, or epoll which must load), {@code TCP_NODELAY}, the pooled
 * allocator; pipeline {@code [SslHandler] HttpClientCodec, HttpObjectAggregator, WebSocketClientProtocolHandler}
 * (RFC 6455 handshake, masking, UTF-8 validation of text frames, pings answered) {@code , WebSocketFrameAggregator}
 * (whole messages) and the benchmark's handler. Text is encoded straight into a pooled buffer
 * ({@link ByteBufUtil#writeUtf8}) and read with {@link TextWebSocketFrame#text()}; binary is wrapped, not copied.
 *
 * <p>No flush per message: a send made on the channel's event loop during a read is written and flushed once in
 * {@code channelReadComplete}, so one flush covers every reply sent for one batch of reads; sends from other threads
 * are written as tasks and flushed by {@link ClientDriver.Session#flush()}. TLS uses the JDK's {@code SSLEngine}
 * (as the other clients here do) trusting only the benchmark's certificate, with hostname verification
 * ({@code HTTPS} endpoint identification) on.
 *
 * <p>Close: the handler sends and answers close frames itself (the protocol handler's {@code handleCloseFrames} is
 * off) so that the server's close code reaches the workload.
 */
public final class NettyClientDriver implements ClientDriver {
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final SslContext ssl;

    public NettyClientDriver(Options options, boolean epoll) {
        NettyTransport transport = NettyTransport.of(epoll);
        this.group = transport.group(options.ioThreads());
        this.bootstrap = new Bootstrap().group(group).channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        try {
            this.ssl = options.trustedCertificate() == null ? null : SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(options.trustedCertificate())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<Session> connect(URI uri, Inbound inbound) {
        boolean tls = uri.getScheme().equals("wss");
        if (tls && ssl == null) {
            return CompletableFuture.failedFuture(new IOException("wss:// without a trusted certificate"));
        }
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(16 << 20)
                .handleCloseFrames(false)
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .withUTF8Validator(true)
                .handshakeTimeoutMillis(10_000)
                .build();
        Handler handler = new Handler(inbound);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (tls) {
                    p.addLast(ssl.newHandler(ch.alloc(), host, port));
                }
                p.addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                        new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(16 << 20), handler);
            }
        });
        b.connect(host, port).addListener(f -> {
            if (!f.isSuccess()) {
                handler.opened.completeExceptionally(f.cause());
            }
        });
        return handler.opened;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One connection's handler and its {@link ClientDriver.Session}.
     * <table>
     *   <caption>Who owns what</caption>
     *   <tr><th>field</th><th>written by</th><th>read by</th><th>ordering</th></tr>
     *   <tr><td>{@code ctx}</td><td>event loop ({@code handlerAdded})</td><td>any thread, after {@code opened}
     *       completes</td><td>the future's completion</td></tr>
     *   <tr><td>{@code flushNeeded}, {@code closeCode}, {@code closeReason}, {@code closeSent}</td><td>event
     *       loop</td><td>event loop</td><td>one thread</td></tr>
     *   <tr><td>{@code opened}, {@code closed}</td><td>event loop</td><td>any thread</td><td>futures</td></tr>
     * </table>
     */
    private static final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> implements Session {
        final CompletableFuture<Session> opened = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final Inbound inbound;
        private ChannelHandlerContext ctx;
        private boolean flushNeeded;
        private int closeCode = -1;
        private String closeReason = "";
        private boolean closeSent;

        Handler(Inbound inbound) {
            this.inbound = inbound;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                opened.complete(this);
                flushIfNeeded();
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                opened.completeExceptionally(new IOException("opening handshake timed out"));
                ctx.close();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame t) {
                inbound.onText(t.text());
            } else if (frame instanceof BinaryWebSocketFrame b) {
                inbound.onBinary(b.content().nioBuffer());
            } else if (frame instanceof CloseWebSocketFrame c) {
                closeCode = c.statusCode() < 0 ? 1005 : c.statusCode();
                closeReason = c.reasonText();
                if (!closeSent) { // RFC 6455 §5.5.1: answer with the code received
                    closeSent = true;
                    ctx.writeAndFlush(new CloseWebSocketFrame(closeCode == 1005 ? 1000 : closeCode, ""));
                }
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushIfNeeded();
            ctx.fireChannelReadComplete();
        }

        private void flushIfNeeded() {
            if (flushNeeded) {
                flushNeeded = false;
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!opened.completeExceptionally(cause)) {
                inbound.onError(cause);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!opened.completeExceptionally(new IOException("connection closed before the handshake ended"))) {
                inbound.onClosed(closeCode < 0 ? 1006 : closeCode, closeReason);
            }
            closed.complete(null);
            super.channelInactive(ctx);
        }

        // ------------------------------------------------------------------------------------ Session

        private void write(WebSocketFrame frame) {
            if (ctx.executor().inEventLoop()) {
                ctx.write(frame, ctx.voidPromise());
                flushNeeded = true;
            } else {
                ctx.write(frame, ctx.voidPromise()); // runs as a task on the loop; flush() follows
            }
        }

        @Override
        public void sendText(String text) {
            write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), text)));
        }

        @Override
        public void sendBinary(byte[] data) {
            write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
        }

        @Override
        public void flush() {
            ctx.flush();
        }

        @Override
        public CompletableFuture<Void> close() {
            ctx.executor().execute(() -> {
                if (!closeSent && ctx.channel().isActive()) {
                    closeSent = true;
                    ctx.writeAndFlush(new CloseWebSocketFrame(1000, ""));
                }
            });
            return closed;
        }
    }
}
