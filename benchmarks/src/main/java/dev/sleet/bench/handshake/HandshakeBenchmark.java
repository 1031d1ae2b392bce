package dev.sleet.bench.handshake;

import dev.sleet.handshake.HandshakeConfig;
import dev.sleet.handshake.HandshakeNegotiator;
import dev.sleet.handshake.HandshakeResponses;
import dev.sleet.handshake.HandshakeResult;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.HttpRequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Opening handshakes per second (RFC 6455 §4.2): a typical browser upgrade request (Chromium's fields, 553 bytes) goes
 * from bytes to the bytes of the 101 response.
 *
 * <ul>
 *   <li>{@code sleet}: a new {@link HttpRequestParser} (one per connection), {@link HandshakeNegotiator#negotiate}
 *       (§4.2.1 rules, subprotocol choice, extension header parsed, accept computed) and
 *       {@link HandshakeResponses#switchingProtocols};</li>
 *   <li>{@code netty}: what a Netty 4.2 server runs for the same request: a new pipeline with
 *       {@code HttpServerCodec} and {@code HttpObjectAggregator} (an {@code EmbeddedChannel}, whose id and event
 *       loop are shared singletons), the request decoded into a {@code FullHttpRequest},
 *       {@code WebSocketServerHandshakerFactory.newHandshaker} (version 13 → {@code WebSocketServerHandshaker13})
 *       and {@code handshake(channel, request)}, which validates, writes the 101 through the codec and swaps in
 *       the frame codec. The encoded response is read back and released.</li>
 * </ul>
 * Both speak the subprotocol {@code chat}, accept no extension and check no Origin. The input is a heap or a
 * direct buffer, the same kind for both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class HandshakeBenchmark {

    static final String BROWSER_REQUEST = """
            GET /chat?room=lobby HTTP/1.1\r
            Host: chat.example.com:8080\r
            Connection: Upgrade\r
            Pragma: no-cache\r
            Cache-Control: no-cache\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36\r
            Upgrade: websocket\r
            Origin: https://chat.example.com\r
            Sec-WebSocket-Version: 13\r
            Accept-Encoding: gzip, deflate, br, zstd\r
            Accept-Language: en-US,en;q=0.9\r
            Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r
            Sec-WebSocket-Protocol: chat, superchat\r
            \r
            """;
    static final String EXPECTED_ACCEPT = "HSmrc0sMlYUkAGmm5OPpG2HaGWk=";

    @Param({"heap", "direct"})
    public String buffer;

    private ByteBuffer sleetInput;
    private ByteBuf nettyInput;
    private final HttpLimits limits = HttpLimits.defaults();
    private final HandshakeNegotiator negotiator =
            new HandshakeNegotiator(HandshakeConfig.builder().subprotocols("chat").build());
    private final WebSocketServerHandshakerFactory factory =
            new WebSocketServerHandshakerFactory("ws://chat.example.com:8080/chat", "chat", false);

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = BROWSER_REQUEST.getBytes(StandardCharsets.ISO_8859_1);
        boolean direct = buffer.equals("direct");
        sleetInput = direct ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip() : ByteBuffer.wrap(bytes);
        nettyInput = direct ? Unpooled.directBuffer(bytes.length).writeBytes(bytes) : Unpooled.wrappedBuffer(bytes);
        // Both must really complete the handshake, with the same accept value and subprotocol.
        String s = StandardCharsets.ISO_8859_1.decode(sleet()).toString();
        String n = nettyResponse();
        for (String response : new String[] {s, n}) {
            if (!response.startsWith("HTTP/1.1 101 ") || !response.contains(EXPECTED_ACCEPT)
                    || !response.toLowerCase().contains("sec-websocket-protocol: chat\r\n")) {
                throw new IllegalStateException("handshake did not complete:\n" + response);
            }
        }
    }

    @Benchmark
    public ByteBuffer sleet() {
        HttpRequestParser parser = new HttpRequestParser(limits);
        if (!parser.parse(sleetInput.duplicate())) {
            throw new IllegalStateException("incomplete request");
        }
        HandshakeResult result = negotiator.negotiate(parser.request());
        return HandshakeResponses.switchingProtocols(result);
    }

    @Benchmark
    public int netty() {
        EmbeddedChannel ch = newNettyChannel();
        ch.writeInbound(nettyInput.retainedDuplicate());
        int bytes = 0;
        for (Object out; (out = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) out;
            bytes += b.readableBytes();
            b.release();
        }
        ch.finishAndReleaseAll();
        if (bytes == 0) {
            throw new IllegalStateException("no response");
        }
        return bytes;
    }

    private String nettyResponse() {
        EmbeddedChannel ch = newNettyChannel();
        ch.writeInbound(nettyInput.retainedDuplicate());
        StringBuilder sb = new StringBuilder();
        for (Object out; (out = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) out;
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        ch.finishAndReleaseAll();
        return sb.toString();
    }

    private EmbeddedChannel newNettyChannel() {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(8192),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                        WebSocketServerHandshaker handshaker = factory.newHandshaker(req);
                        if (handshaker == null) {
                            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                        } else {
                            handshaker.handshake(ctx.channel(), req);
                        }
                    }
                });
    }
}
