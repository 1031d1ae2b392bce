package dev.sleet.bench.frame;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.FrameParser;
import dev.sleet.frame.Frames;
import dev.sleet.frame.MessageAssembler;
import dev.sleet.frame.MessageListener;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server's read path: parse + unmask + UTF-8-validate a batch of masked client frames (RFC 6455 §5.2, §5.3,
 * §8.1), Sleet against Netty 4.2's {@code WebSocket08FrameDecoder} followed by its {@code Utf8FrameValidator},
 * fed the same bytes.
 *
 * <p>One operation is one batch: as many frames of {@code payloadSize} bytes as make 64 KiB of payload (4096
 * frames of 16 B, 524 of 125 B, 16 of 4 KiB, 1 of 64 KiB), as a socket read delivers them. Payload throughput
 * is {@code ops/s × 65536} bytes (× 65500 for 125 B frames).
 *
 * <ul>
 *   <li>{@code sleetHeap}/{@code sleetDirect}: copy the batch into the connection's read buffer (what a socket read
 *       does), then {@link FrameParser} + {@link MessageAssembler}; the listener only adds up message lengths.</li>
 *   <li>{@code netty}: {@code EmbeddedChannel.writeInbound} of a retained duplicate of the batch (no copy; Netty
 *       copies each payload into a new buffer itself), then read and release every frame.</li>
 * </ul>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"}) // Netty is not charged for its leak detector
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameDecodeBenchmark {
    static final int BATCH_PAYLOAD = 64 * 1024;

    @Param({"16", "125", "4096", "65536"})
    public int payloadSize;

    @Param({"text", "binary"})
    public String kind;

    private byte[] batch;
    private int frames;
    private ByteBuffer heap;
    private ByteBuffer direct;
    private FrameParser heapParser;
    private FrameParser directParser;
    private MessageAssembler heapAssembler;
    private MessageAssembler directAssembler;
    private final Sum sum = new Sum();

    private EmbeddedChannel channel;
    private ByteBuf nettyBatch;

    /** Adds up the lengths of the messages delivered. */
    static final class Sum implements MessageListener {
        long bytes;
        int messages;

        @Override
        public void onText(ByteBuffer utf8) {
            bytes += utf8.remaining();
            messages++;
        }

        @Override
        public void onBinary(ByteBuffer data) {
            bytes += data.remaining();
            messages++;
        }

        @Override
        public void onPing(ByteBuffer payload) {
            throw new IllegalStateException("unexpected ping");
        }

        @Override
        public void onPong(ByteBuffer payload) {
            throw new IllegalStateException("unexpected pong");
        }

        @Override
        public void onClose(CloseStatus status) {
            throw new IllegalStateException("unexpected close " + status);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        boolean text = kind.equals("text");
        frames = Math.max(1, BATCH_PAYLOAD / payloadSize);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            byte[] payload = text ? Payloads.mostlyAscii(payloadSize, i) : Payloads.binary(payloadSize, i);
            ByteBuffer f = Frames.maskedFrame(true, 0, text ? Opcode.TEXT : Opcode.BINARY, ByteBuffer.wrap(payload),
                    0x9E3779B9 * (i + 1));
            out.write(f.array(), f.arrayOffset() + f.position(), f.remaining());
        }
        batch = out.toByteArray();

        heap = ByteBuffer.allocate(batch.length);
        direct = ByteBuffer.allocateDirect(batch.length);
        heapParser = new FrameParser(Role.SERVER, 1 << 20);
        directParser = new FrameParser(Role.SERVER, 1 << 20);
        heapAssembler = new MessageAssembler(sum);
        directAssembler = new MessageAssembler(sum);

        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).allowExtensions(false).allowMaskMismatch(false)
                .maxFramePayloadLength(1 << 20).closeOnProtocolViolation(true).build();
        channel = new EmbeddedChannel(new WebSocket08FrameDecoder(config), new Utf8FrameValidator(true));
        nettyBatch = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(batch.clone()).asReadOnly());
        verify();
    }

    /** Both decoders must deliver every frame of the batch, intact, and leave the batch bytes unchanged. */
    private void verify() {
        byte[] before = batch.clone();
        for (int round = 0; round < 3; round++) {
            long expected = (long) frames * payloadSize;
            sum.bytes = 0;
            sum.messages = 0;
            if (sleetHeap() != expected || sum.messages != frames) {
                throw new IllegalStateException("sleet heap decoded " + sum.messages + " frames, " + sum.bytes + " bytes");
            }
            sum.bytes = 0;
            sum.messages = 0;
            if (sleetDirect() != expected || sum.messages != frames) {
                throw new IllegalStateException("sleet direct decoded " + sum.messages + " frames");
            }
            long n = netty();
            if (n != expected) {
                throw new IllegalStateException("netty decoded " + n + " bytes, expected " + expected);
            }
            if (channel.outboundMessages().size() > 0 || !channel.isOpen()) {
                throw new IllegalStateException("netty reported a protocol violation");
            }
        }
        if (!Arrays.equals(before, batch)) {
            throw new IllegalStateException("batch modified");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public long sleetHeap() {
        heap.clear();
        heap.put(batch).flip();
        long start = sum.bytes;
        heapParser.parse(heap, heapAssembler);
        return sum.bytes - start;
    }

    @Benchmark
    public long sleetDirect() {
        direct.clear();
        direct.put(batch).flip();
        long start = sum.bytes;
        directParser.parse(direct, directAssembler);
        return sum.bytes - start;
    }

    @Benchmark
    public long netty() {
        channel.writeInbound(nettyBatch.retainedDuplicate());
        long n = 0;
        for (Object o; (o = channel.readInbound()) != null; ) {
            WebSocketFrame f = (WebSocketFrame) o;
            n += f.content().readableBytes();
            f.release();
        }
        return n;
    }
}
