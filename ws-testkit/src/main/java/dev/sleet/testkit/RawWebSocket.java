package dev.sleet.testkit;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.FrameListener;
import dev.sleet.frame.FrameParser;
import dev.sleet.frame.Frames;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Role;
import dev.sleet.frame.Rsv;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A WebSocket client over a plain blocking socket that sends exactly the bytes a test asks for — valid frames,
 * bad frames, frames split anywhere — and reads the server's frames with Sleet's own client-role parser. It
 * checks the server's 101 response (RFC 6455 §4.1) when connecting.
 */
public final class RawWebSocket implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameParser parser;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final Collector collector = new Collector();
    private final Map<String, String> handshakeHeaders;

    /** A frame as received: unmasked payload bytes. */
    public record Frame(boolean fin, int rsv, Opcode opcode, byte[] payload) {
        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** For a close frame: the status code, or 1005 when the payload is empty. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
        }

        /** A close frame's reason (empty when none). */
        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return opcode + (fin ? "" : "(more)") + "[" + payload.length + "]";
        }
    }

    private RawWebSocket(Socket socket, Map<String, String> headers, ByteBuffer leftover) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.handshakeHeaders = headers;
        // Any RSV bits are read and reported (Frame.rsv()): tests of extensions decide what they mean.
        this.parser = new FrameParser(Role.CLIENT, Long.MAX_VALUE >>> 1, Rsv.ALL);
        readBuffer.flip();
        if (leftover.hasRemaining()) {
            readBuffer.clear();
            readBuffer.put(leftover).flip();
        }
    }

    /** Connects to 127.0.0.1:{@code port}, path {@code /}, and completes the upgrade. */
    public static RawWebSocket connect(int port) throws IOException {
        return connect(port, "/", "");
    }

    /**
     * Connects and upgrades. {@code extraHeaders} are raw header lines, each ending with CRLF.
     *
     * @throws IOException when the server does not answer 101 with the right accept value
     */
    public static RawWebSocket connect(int port, String path, String extraHeaders) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return upgrade(s, port, path, extraHeaders);
    }

    /**
     * Upgrades on a socket the caller has connected and already written to (a PROXY protocol header, say).
     * {@code extraHeaders} are raw header lines, each ending with CRLF.
     */
    public static RawWebSocket upgradeOn(Socket connected, String path, String extraHeaders) throws IOException {
        return upgrade(connected, connected.getPort(), path, extraHeaders);
    }

    /** Connects over TLS (trusting whatever factory is given) and upgrades. */
    public static RawWebSocket connectTls(int port, SSLSocketFactory factory, String path) throws IOException {
        SSLSocket s = (SSLSocket) factory.createSocket("127.0.0.1", port);
        s.startHandshake();
        return upgrade(s, port, path, "");
    }

    /**
     * Runs the TLS handshake on a socket the caller has connected and configured (SNI names, ALPN, protocols) but
     * not yet used, then upgrades.
     */
    public static RawWebSocket connectTls(SSLSocket socket, String path, String extraHeaders) throws IOException {
        socket.startHandshake();
        return upgrade(socket, socket.getPort(), path, extraHeaders);
    }

    private static RawWebSocket upgrade(Socket s, int port, String path, String extraHeaders) throws IOException {
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders + "\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int end = -1;
        while (end < 0) {
            int n = in.read(buf);
            if (n < 0) {
                s.close();
                throw new IOException("server closed during the handshake; got: " + head);
            }
            head.write(buf, 0, n);
            end = head.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        byte[] all = head.toByteArray();
        RawHttp.Response response = RawHttp.parse(new String(all, 0, end + 4, StandardCharsets.ISO_8859_1), false);
        if (response.status() != 101) {
            s.close();
            throw new HandshakeFailed(response.status(), response);
        }
        String expected = accept(key);
        if (!expected.equals(response.header("sec-websocket-accept"))) {
            s.close();
            throw new IOException("wrong Sec-WebSocket-Accept: " + response.header("sec-websocket-accept"));
        }
        return new RawWebSocket(s, response.headers(), ByteBuffer.wrap(all, end + 4, all.length - end - 4));
    }

    /** The upgrade was answered with something other than 101. */
    public static final class HandshakeFailed extends IOException {
        private static final long serialVersionUID = 1L;
        /** The HTTP status the server answered with. */
        private final int status;

        HandshakeFailed(int status, RawHttp.Response response) {
            super("expected 101, got " + status + ": " + response.body());
            this.status = status;
        }

        /** The HTTP status the server answered with. */
        public int status() {
            return status;
        }
    }

    /** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)). */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A header of the server's 101 response (lower-case name). */
    public String handshakeHeader(String name) {
        return handshakeHeaders.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    // ---- sending ----

    /** Sends one masked frame exactly as described. */
    public void sendFrame(boolean fin, int rsv, Opcode opcode, byte[] payload) throws IOException {
        sendRaw(encode(fin, rsv, opcode, payload));
    }

    /** One masked client frame with a random key. */
    public static byte[] encode(boolean fin, int rsv, Opcode opcode, byte[] payload) {
        ByteBuffer frame = Frames.maskedFrame(fin, rsv, opcode, ByteBuffer.wrap(payload),
                ThreadLocalRandom.current().nextInt());
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** Sends one masked text frame. */
    public void sendText(String text) throws IOException {
        sendFrame(true, 0, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one masked binary frame. */
    public void sendBinary(byte[] data) throws IOException {
        sendFrame(true, 0, Opcode.BINARY, data);
    }

    /** Sends a masked close frame with {@code code} and {@code reason}. */
    public void sendClose(int code, String reason) throws IOException {
        ByteBuffer payload = Frames.closePayload(new CloseStatus(code, reason));
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        sendFrame(true, 0, Opcode.CLOSE, bytes);
    }

    /** Sends bytes as they are: no framing, no masking. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code bytes} in pieces of {@code chunk} bytes, flushing each (split anywhere, even in a header). */
    public void sendInChunks(byte[] bytes, int chunk) throws IOException {
        for (int i = 0; i < bytes.length; i += chunk) {
            out.write(bytes, i, Math.min(chunk, bytes.length - i));
            out.flush();
        }
    }

    // ---- receiving ----

    /** The next frame, waiting up to {@code timeout}; null on timeout; throws {@link java.io.EOFException} at EOF. */
    public Frame readFrame(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (frames.isEmpty()) {
            if (readBuffer.hasRemaining()) {
                parser.parse(readBuffer, collector);
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            readBuffer.clear();
            int n;
            try {
                n = in.read(readBuffer.array(), 0, readBuffer.capacity());
            } catch (SocketTimeoutException e) {
                readBuffer.limit(0);
                return null;
            }
            if (n < 0) {
                readBuffer.limit(0);
                throw new java.io.EOFException("server closed the connection");
            }
            readBuffer.limit(n);
        }
        return frames.poll();
    }

    /** Reads frames until a close frame arrives (skipping others); returns it, or null on timeout/EOF. */
    public Frame awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Frame f;
            try {
                f = readFrame(Duration.ofNanos(left));
            } catch (java.io.EOFException e) {
                return null;
            }
            if (f == null) {
                return null;
            }
            if (f.opcode() == Opcode.CLOSE) {
                return f;
            }
        }
    }

    /** True when the server closes TCP within {@code timeout} (frames still arriving are discarded). */
    public boolean awaitEof(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[8192];
        readBuffer.limit(0);
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    /** The socket, for tests that need to stop reading or shut down one direction. */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Gathers frames from the parser; payload arrives in pieces. */
    private final class Collector implements FrameListener {
        private boolean fin;
        private int rsv;
        private Opcode opcode;
        private final ByteArrayOutputStream payload = new ByteArrayOutputStream();

        @Override
        public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
            this.fin = fin;
            this.rsv = rsv;
            this.opcode = opcode;
            payload.reset();
        }

        @Override
        public void onPayload(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            payload.writeBytes(b);
        }

        @Override
        public void onFrameEnd() {
            frames.add(new Frame(fin, rsv, opcode, payload.toByteArray()));
        }
    }
}
