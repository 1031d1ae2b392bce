package dev.sleet.core.internal;

import dev.sleet.core.Connection;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.FrameParser;
import dev.sleet.frame.Frames;
import dev.sleet.frame.MessageAssembler;
import dev.sleet.frame.MessageListener;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Role;
import dev.sleet.frame.WebSocketException;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.core.internal.jfr.SleetEvents;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Frames in, after the upgrade (RFC 6455 §5, §6.2): the parser (syntax, masking), the assembler (fragments, UTF-8,
 * the size cap), control frames (a ping's pong goes to {@link Outbound}'s pong budget; a pong goes to the
 * heartbeat; a close to the close machine) and inbound flow control: bytes handed to the actor and not yet handled
 * are counted, each message charged {@link #MESSAGE_OVERHEAD} beyond its payload so that empty messages count too,
 * and reading pauses above {@link #HIGH_WATER} until the actor is back under {@link #LOW_WATER}.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>parser, assembler, {@code inputDone}</td><td>loop</td><td>loop</td><td>confined</td></tr>
 *   <tr><td>{@code queued}</td><td>loop (+), the actor (−)</td><td>both</td><td>atomic add</td></tr>
 *   <tr><td>{@code paused}</td><td>loop (0→1), the actor (1→0)</td><td>both</td><td>CAS; the loop re-checks
 *       {@code queued} after setting it, so a resume is never lost</td></tr>
 *   <tr><td>{@code pausedAt} (for the Flight Recorder events)</td><td>loop, before {@code paused} goes 0→1</td>
 *       <td>whoever sets {@code paused} 1→0</td><td>the volatile write and CAS on {@code paused}</td></tr>
 *   <tr><td>{@code hooks}, the text carry and first-piece flag of streaming mode</td><td>loop</td><td>loop</td>
 *       <td>confined</td></tr>
 * </table>
 * With {@link #FRAGMENTS} the assembler runs in streaming mode: each piece of a message goes to the actor as it
 * arrives, charged like a message, so a large message never sits whole in memory; a text piece is cut back to a
 * character boundary (at most three bytes wait for the next piece). With {@link #PINGS} / {@link #PONGS} each
 * control frame's payload (at most 125 bytes) is copied to the actor as well, charged like a message.
 * It implements the codec's {@link MessageListener}; the public {@code Connection} does not, so user code cannot
 * inject protocol events.
 */
final class InboundPipeline implements MessageListener {
    /** Inbound bytes handed to the actor and not yet handled, above which reading pauses. */
    static final long HIGH_WATER = 4L << 20;
    /** ...and below which it resumes. */
    static final long LOW_WATER = 1L << 20;
    /** Charged per delivered message beyond its payload: its event, array header and mailbox slot. */
    static final int MESSAGE_OVERHEAD = 64;

    /** Hooks a handler can ask for: data messages in pieces, pings and pongs delivered to the actor. */
    static final int FRAGMENTS = 1;
    static final int PINGS = 2;
    static final int PONGS = 4;

    private static final VarHandle QUEUED;
    private static final VarHandle PAUSED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUED = l.findVarHandle(InboundPipeline.class, "queued", long.class);
            PAUSED = l.findVarHandle(InboundPipeline.class, "paused", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WsConnection connection;
    private final Metrics metrics;
    private final FrameParser parser;
    private final MessageAssembler assembler;
    private boolean inputDone;
    @SuppressWarnings("unused") // through QUEUED
    private volatile long queued;
    @SuppressWarnings("unused") // through PAUSED
    private volatile int paused;
    /** {@link System#nanoTime()} when reading last paused: written by the loop before {@code paused} goes 0→1. */
    private long pausedAt;
    private final int hooks;
    /** Streaming text: the bytes of a character cut by the input, waiting for the next piece (at most 3). */
    private byte[] carry;
    private int carryLength;
    /** Streaming: the next piece is its message's first. */
    private boolean nextIsFirst = true;

    InboundPipeline(WsConnection connection, ConnectionConfig config, Metrics metrics, FrameExtension extension) {
        this(connection, config, metrics, extension, 0);
    }

    /** {@code hooks}: {@link #FRAGMENTS}, {@link #PINGS}, {@link #PONGS} or 0. */
    InboundPipeline(WsConnection connection, ConnectionConfig config, Metrics metrics, FrameExtension extension,
            int hooks) {
        this.connection = connection;
        this.metrics = metrics;
        this.hooks = hooks;
        this.parser = new FrameParser(connection.role(), config.maxFrameSize(), extension == null ? 0 : extension.rsvBits());
        MessageAssembler.Builder assembly = MessageAssembler.builder(this).maxMessageSize(config.maxMessageSize())
                .streaming((hooks & FRAGMENTS) != 0);
        if (extension != null) {
            assembly.extension(extension);
        }
        this.assembler = assembly.build();
    }

    /** Parses what {@code buf} holds (loop). A protocol error fails the connection with its close code. */
    void parse(ByteBuffer buf) {
        if (inputDone) {
            return; // after the peer's close or a protocol error, input is read and dropped (RFC 6455 §7.1.7)
        }
        try {
            parser.parse(buf, assembler);
        } catch (WebSocketException e) {
            inputDone = true;
            metrics.protocolErrors.increment();
            connection.protocolError(new CloseStatus(e.closeCode(), e.getMessage()));
        }
    }

    /** No more input is wanted (loop). */
    void stop() {
        inputDone = true;
    }

    /** Frees the assembler's buffers and its extension state (loop, when the connection ends). */
    void close() {
        inputDone = true;
        assembler.close();
    }

    @Override
    public void onText(ByteBuffer utf8) {
        if (!connection.acceptsMessages()) {
            return; // after our close frame, data is read and dropped (RFC 6455 §7.1.2)
        }
        int size = utf8.remaining();
        byte[] frame = Frames.dataFrameArray(Opcode.TEXT, utf8);
        deliver(new ConnectionEvent.TextIn(frame, frame.length - size), size);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        if (!connection.acceptsMessages()) {
            return;
        }
        int size = data.remaining();
        byte[] frame = Frames.dataFrameArray(Opcode.BINARY, data);
        deliver(new ConnectionEvent.BinaryIn(frame, frame.length - size), size);
    }

    private void deliver(ConnectionEvent event, int size) {
        metrics.messagesIn.increment();
        charge(event, size);
    }

    /** Hands {@code event} to the actor, counting {@code size} plus the per-message charge; pauses above the mark. */
    private void charge(ConnectionEvent event, int size) {
        long charge = (long) size + MESSAGE_OVERHEAD;
        long now = (long) QUEUED.getAndAdd(this, charge) + charge;
        connection.deliver(event);
        if (now > HIGH_WATER) {
            pause();
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        if ((hooks & PINGS) != 0) {
            deliverControl(true, payload.duplicate());
        }
        // RFC 6455 §5.5.2, §5.5.3: answer with the same application data; only the latest ping needs an answer.
        connection.sendPong(Frames.pong(payload));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        metrics.pongsReceived.increment();
        if ((hooks & PONGS) != 0) {
            deliverControl(false, payload.duplicate());
        }
        connection.pong(payload);
    }

    /** A ping's or pong's payload (at most 125 bytes) for the handler, charged like a message. */
    private void deliverControl(boolean ping, ByteBuffer payload) {
        if (!connection.acceptsMessages()) {
            return;
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        charge(new ConnectionEvent.ControlIn(ping, bytes), bytes.length);
    }

    @Override
    public void onTextFragment(ByteBuffer utf8, boolean last) {
        if (!connection.acceptsMessages()) {
            return;
        }
        int total = carryLength + utf8.remaining();
        int cut = last ? total : total - cutCharacter(utf8, total);
        if (cut == 0 && !last) {
            keepTail(utf8, 0, total);
            return;
        }
        byte[] bytes = new byte[cut];
        System.arraycopy(carry == null ? bytes : carry, 0, bytes, 0, Math.min(carryLength, cut));
        int fromInput = cut - Math.min(carryLength, cut);
        utf8.get(utf8.position(), bytes, cut - fromInput, fromInput);
        keepTail(utf8, cut, total);
        fragment(true, bytes, last);
    }

    @Override
    public void onBinaryFragment(ByteBuffer data, boolean last) {
        if (!connection.acceptsMessages()) {
            return;
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        fragment(false, bytes, last);
    }

    private void fragment(boolean text, byte[] bytes, boolean last) {
        if (last) {
            metrics.messagesIn.increment();
        }
        charge(new ConnectionEvent.FragmentIn(text, bytes, nextIsFirst, last), bytes.length);
        nextIsFirst = last;
    }

    /**
     * How many bytes at the end of carry + {@code input} (of {@code total}) start a character that is not complete
     * yet: 0 to 3. The assembler validated them, so they are a well-formed prefix.
     */
    private int cutCharacter(ByteBuffer input, int total) {
        for (int k = 1; k <= Math.min(3, total); k++) {
            int b = byteAt(input, total - k);
            if ((b & 0b1100_0000) != 0b1000_0000) { // the lead byte of the last character (or ASCII)
                int need = b < 0b1000_0000 ? 1 : b < 0b1110_0000 ? 2 : b < 0b1111_0000 ? 3 : 4;
                return need > k ? k : 0;
            }
        }
        return 0; // three continuation bytes: the fourth byte back leads a complete four-byte character
    }

    private int byteAt(ByteBuffer input, int i) {
        return (i < carryLength ? carry[i] : input.get(input.position() + i - carryLength)) & 0xFF;
    }

    /** Keeps bytes {@code from} to {@code total} of carry + input for the next piece. */
    private void keepTail(ByteBuffer input, int from, int total) {
        int n = total - from;
        if (n == 0) {
            carryLength = 0;
            return;
        }
        byte[] next = new byte[3];
        for (int i = 0; i < n; i++) {
            next[i] = (byte) byteAt(input, from + i);
        }
        carry = next;
        carryLength = n;
    }

    @Override
    public void onClose(CloseStatus status) {
        inputDone = true;
        connection.peerClosed(status);
    }

    private void pause() {
        boolean pausing = (int) PAUSED.getVolatile(this) == 0; // only the loop sets 1, so this cannot race
        if (pausing) {
            pausedAt = System.nanoTime();
        }
        PAUSED.setVolatile(this, 1);
        connection.readInterest(false);
        if (pausing) {
            SleetEvents.inboundPaused(connection.id(), queued(), HIGH_WATER);
        }
        // The actor may have caught up between our add and the flag: re-check so a resume is never lost.
        if ((long) QUEUED.getVolatile(this) < LOW_WATER && PAUSED.compareAndSet(this, 1, 0)) {
            connection.readInterest(true);
            SleetEvents.inboundResumed(connection.id(), queued(), pausedAt);
        }
    }

    /** The actor finished with a message of {@code size} bytes. Any thread. */
    void handled(int size) {
        long charge = (long) size + MESSAGE_OVERHEAD;
        long now = (long) QUEUED.getAndAdd(this, -charge) - charge;
        if (now < LOW_WATER && (int) PAUSED.getVolatile(this) == 1 && PAUSED.compareAndSet(this, 1, 0)) {
            connection.resumeReading();
            SleetEvents.inboundResumed(connection.id(), now, pausedAt); // pausedAt: ordered by the CAS on paused
        }
    }

    /** Bytes (with overhead) handed to the actor and not yet handled. */
    long queued() {
        return (long) QUEUED.getVolatile(this);
    }
}
