package dev.sleet.testkit;

import dev.sleet.frame.Masker;
import dev.sleet.frame.Opcode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A WebSocket <em>server</em> that does exactly what a test script tells it, byte by byte, for testing clients
 * (RFC 6455 in the client role): a correct or wrong opening handshake, any HTTP response, frames a polite server
 * would never send (masked, reserved bits or opcodes, fragmented control frames, split across writes), and a
 * reader that checks the client's frames really are masked (§5.3).
 *
 * <p>It listens on 127.0.0.1, port 0, plain or TLS (a self-signed certificate from {@link TestCertificates}; a
 * client trusts it with {@link #clientContext()}). Each accepted connection runs the {@link Script} on its own
 * thread with a {@link Peer}; when the script returns (or throws) the connection's socket is closed. A script
 * that wants the connection to stay up reads until EOF ({@link Peer#awaitEof(Duration)}). Failures thrown by
 * scripts are kept for {@link #failures()} / {@link #rethrowFailures()}. Every read has a timeout
 * (10 s by default, or as given to {@link #start(Script, Duration)}), the request head is capped at 16 KiB and a frame payload at
 * 64 MiB ({@link Peer#maxFramePayload(long)}); {@link #close()} closes the listener and every connection and waits for
 * the script threads.
 *
 * <table>
 * <caption>Who owns what</caption>
 * <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 * <tr><td>{@code listener}, {@code script}, {@code tls} ({@code final})</td><td>constructor</td><td>all</td>
 * <td>final fields</td></tr>
 * <tr><td>{@code sockets}, {@code threads}</td><td>accept thread (add), script threads (remove), {@link #close}
 * </td><td>{@link #close}</td><td>concurrent set / copy-on-write list</td></tr>
 * <tr><td>{@code failures}</td><td>script threads</td><td>test thread</td><td>copy-on-write list</td></tr>
 * <tr><td>{@code closed}, {@code accepted}</td><td>{@link #close} / accept thread</td><td>all</td>
 * <td>volatile / atomic</td></tr>
 * <tr><td>a {@link Peer}</td><td>its script thread only</td><td>its script thread</td><td>confined</td></tr>
 * </table>
 */
public final class ScriptedWsServer implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEAD = 16 * 1024;

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        /** Runs on the connection's own thread; the socket is closed when this returns or throws. */
        void run(Peer peer) throws Exception;
    }

    private final ServerSocket listener;
    private final Script script;
    private final TestCertificates.Issued certificate;
    private final Duration readTimeout;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private ScriptedWsServer(ServerSocket listener, Script script, TestCertificates.Issued certificate,
            Duration readTimeout) {
        this.listener = listener;
        this.script = script;
        this.certificate = certificate;
        this.readTimeout = readTimeout;
        this.acceptor = Thread.ofPlatform().daemon().name("scripted-ws-accept-" + listener.getLocalPort())
                .unstarted(this::acceptLoop);
    }

    /** Starts a plain server on 127.0.0.1, port 0, running {@code script} for each connection. */
    public static ScriptedWsServer start(Script script) throws IOException {
        return start(script, Duration.ofSeconds(10));
    }

    /** Starts a plain server whose peers' reads time out after {@code readTimeout}. */
    public static ScriptedWsServer start(Script script, Duration readTimeout) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ScriptedWsServer server = new ScriptedWsServer(s, script, null, readTimeout);
        server.acceptor.start();
        return server;
    }

    /**
     * Starts a TLS server on 127.0.0.1, port 0, presenting {@code certificate} (from
     * {@link TestCertificates#issue}, whose SAN covers {@code 127.0.0.1} and {@code localhost}).
     */
    public static ScriptedWsServer startTls(Script script, TestCertificates.Issued certificate)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pass = "changeit".toCharArray();
        ks.setKeyEntry("k", certificate.key(), pass, new Certificate[] {certificate.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ScriptedWsServer server = new ScriptedWsServer(s, script, certificate, Duration.ofSeconds(10));
        server.acceptor.start();
        return server;
    }

    /** The port it listens on, on 127.0.0.1. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Whether it serves TLS. */
    public boolean isTls() {
        return certificate != null;
    }

    /** {@code ws://127.0.0.1:port<path>} ({@code wss} with TLS). */
    public URI uri(String path) {
        return URI.create((isTls() ? "wss" : "ws") + "://127.0.0.1:" + port() + path);
    }

    /** A client context that trusts this server's certificate and nothing else; null for a plain server. */
    public SSLContext clientContext() {
        return certificate == null ? null : certificate.clientContext();
    }

    /** The certificate and key a TLS server presents; null for a plain server. */
    public TestCertificates.Issued certificate() {
        return certificate;
    }

    /** How many connections have been accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** What the scripts threw so far (a connection's socket errors after the client left included). */
    public List<Throwable> failures() {
        return Collections.unmodifiableList(failures);
    }

    /** Throws an {@link AssertionError} carrying the first script failure (others suppressed), if any. */
    public void rethrowFailures() {
        if (failures.isEmpty()) {
            return;
        }
        AssertionError e = new AssertionError("a script failed: " + failures.get(0), failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        throw e;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    failures.add(e);
                }
                return;
            }
            sockets.add(s);
            if (closed) { // close() may have missed it
                closeQuietly(s);
                return;
            }
            int n = accepted.incrementAndGet();
            Thread t = Thread.ofPlatform().daemon().name("scripted-ws-" + port() + "-" + n).unstarted(() -> serve(s));
            threads.add(t);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) readTimeout.toMillis());
            script.run(new Peer(s, readTimeout));
        } catch (Throwable e) {
            if (!closed) {
                failures.add(e);
            }
        } finally {
            sockets.remove(s);
        }
    }

    /**
     * Closes the listener and every connection, then waits (up to 5 s each) for the script threads to end; an
     * interrupt stops the waiting and is kept as the thread's status.
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        try {
            acceptor.join(5000);
            for (Thread t : threads) {
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)). */
    public static String acceptFor(String key) {
        return RawWebSocket.accept(key);
    }

    /**
     * Encodes one frame exactly as described, valid or not: any RSV bits (0–7), any opcode (0–15), any payload
     * length for any opcode, masked when {@code maskKey} is not null (the key's four bytes big-endian).
     */
    public static byte[] encodeFrame(boolean fin, int rsv, int opcode, Integer maskKey, byte[] payload) {
        return encodeFrame(fin, rsv, opcode, maskKey, payload, LengthEncoding.MINIMAL);
    }

    /** How the payload length is written: the shortest form (RFC 6455 §5.2), or a longer, non-minimal one. */
    public enum LengthEncoding {
        /** 7 bits up to 125, else 16 bits up to 65535, else 64 bits. */
        MINIMAL,
        /** Always the 16-bit form (126 + two bytes), even for a short payload. */
        FORCE_16,
        /** Always the 64-bit form (127 + eight bytes). */
        FORCE_64
    }

    /** {@link #encodeFrame(boolean, int, int, Integer, byte[])} with a chosen length encoding. */
    public static byte[] encodeFrame(boolean fin, int rsv, int opcode, Integer maskKey, byte[] payload,
            LengthEncoding lengthEncoding) {
        if (rsv < 0 || rsv > 7 || opcode < 0 || opcode > 15) {
            throw new IllegalArgumentException("rsv 0-7, opcode 0-15: " + rsv + ", " + opcode);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0b1000_0000 : 0) | rsv << 4 | opcode);
        int maskBit = maskKey != null ? 0b1000_0000 : 0;
        int len = payload.length;
        LengthEncoding form = lengthEncoding;
        if (form == LengthEncoding.MINIMAL) {
            form = len <= 125 ? null : len <= 0xFFFF ? LengthEncoding.FORCE_16 : LengthEncoding.FORCE_64;
        } else if (form == LengthEncoding.FORCE_16 && len > 0xFFFF) {
            throw new IllegalArgumentException("payload too long for a 16-bit length: " + len);
        }
        if (form == null) {
            out.write(maskBit | len);
        } else if (form == LengthEncoding.FORCE_16) {
            out.write(maskBit | 126);
            out.write(len >>> 8);
            out.write(len);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) len >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (maskKey != null) {
            int k = maskKey;
            out.write(k >>> 24);
            out.write(k >>> 16);
            out.write(k >>> 8);
            out.write(k);
            Masker.maskArray(body, 0, body.length, k);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A close frame payload: the code in two bytes, then the reason's UTF-8 bytes, unchecked (any code, any length). */
    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** The client's upgrade request as read: request line parts and headers (lower-case names, last value wins). */
    public record Request(String method, String target, String version, Map<String, String> headers, String head) {
        /** The value of header {@code name} (any case), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** {@code Sec-WebSocket-Key}, or null. */
        public String key() {
            return header("sec-websocket-key");
        }
    }

    /**
     * A frame the client sent: header bits as they were on the wire, whether it was masked and with which key,
     * and the payload after unmasking.
     */
    public record ClientFrame(boolean fin, int rsv, int opcode, boolean masked, int maskKey, byte[] payload) {
        /** The opcode as an {@link Opcode}, or null for a reserved one. */
        public Opcode opcodeEnum() {
            return Opcode.of(opcode);
        }

        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** For a close frame: the status code, or 1005 when the payload is shorter than two bytes. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
        }

        /** A close frame's reason (empty when none). */
        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "opcode " + opcode + (fin ? "" : "(more)") + (rsv != 0 ? " rsv " + rsv : "")
                    + (masked ? " masked" : " UNMASKED") + "[" + payload.length + "]";
        }
    }

    /** One accepted connection, as its script sees it. Used by the script's thread only. */
    public static final class Peer {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final Duration readTimeout;
        private Request request;
        private long maxFramePayload = 64L << 20;

        Peer(Socket socket, Duration readTimeout) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
            this.readTimeout = readTimeout;
        }

        /** The socket itself (for half-closes, linger, addresses). */
        public Socket socket() {
            return socket;
        }

        /** Caps the payload a client frame may declare (64 MiB by default); a larger one fails the read. */
        public Peer maxFramePayload(long bytes) {
            this.maxFramePayload = bytes;
            return this;
        }

        // ---- the opening handshake ----

        /**
         * Reads the client's request head (up to the empty line, at most 16 KiB) once; later calls return the same
         * request.
         *
         * @throws EOFException when the client closes first
         */
        public Request readRequest() throws IOException {
            if (request != null) {
                return request;
            }
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0; // how much of CR LF CR LF has been seen
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("client closed during its request head; got: "
                            + head.toString(StandardCharsets.ISO_8859_1));
                }
                head.write(b);
                if (head.size() > MAX_HEAD) {
                    throw new IOException("request head over " + MAX_HEAD + " bytes");
                }
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                        ? state + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String[] lines = text.substring(0, text.length() - 4).split("\r\n");
            String[] requestLine = lines[0].split(" ", 3);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            request = new Request(requestLine[0], requestLine.length > 1 ? requestLine[1] : "",
                    requestLine.length > 2 ? requestLine[2] : "", Collections.unmodifiableMap(headers), text);
            return request;
        }

        /** Reads the request (if not yet read) and answers a correct 101 with no subprotocol or extension. */
        public Request accept() throws IOException {
            return accept(Map.of());
        }

        /**
         * Reads the request (if not yet read) and answers 101 with the right {@code Sec-WebSocket-Accept} plus
         * {@code extraHeaders} (e.g. {@code Sec-WebSocket-Protocol: chat},
         * {@code Sec-WebSocket-Extensions: permessage-deflate}), in the map's order.
         */
        public Request accept(Map<String, String> extraHeaders) throws IOException {
            Request r = readRequest();
            if (r.key() == null) {
                throw new IOException("the request has no Sec-WebSocket-Key:\n" + r.head());
            }
            respond101(acceptFor(r.key()), extraHeaders);
            return r;
        }

        /** Answers 101 with an accept value computed from a different key: a client must fail (RFC 6455 §4.1). */
        public Request acceptWrongly() throws IOException {
            Request r = readRequest();
            respond101(acceptFor("dGhlIHNhbXBsZSBub25jZQ==".equals(r.key()) ? "AAAAAAAAAAAAAAAAAAAAAA==" :
                    "dGhlIHNhbXBsZSBub25jZQ=="), Map.of());
            return r;
        }

        /** Answers 101 with {@code acceptValue} as given (null: no accept header at all) and the extra headers. */
        public void respond101(String acceptValue, Map<String, String> extraHeaders) throws IOException {
            readRequest();
            StringBuilder sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n");
            if (acceptValue != null) {
                sb.append("Sec-WebSocket-Accept: ").append(acceptValue).append("\r\n");
            }
            extraHeaders.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            sendRaw(sb.append("\r\n").toString());
        }

        /**
         * Reads the request (if not yet read) and answers a complete non-101 response: status line, the headers,
         * {@code Content-Length} and {@code Connection: close} added, then {@code body}.
         */
        public void respond(int status, String reason, Map<String, String> headers, String body) throws IOException {
            readRequest();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
            headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            sb.append("Content-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n");
            sendRaw(sb.toString());
            sendRaw(b);
        }

        // ---- sending ----

        /** Writes {@code text} as ISO-8859-1 bytes, as they are (an HTTP head, a partial head, garbage). */
        public void sendRaw(String text) throws IOException {
            sendRaw(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Writes {@code bytes} as they are and flushes. */
        public void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes {@code bytes} in pieces of {@code chunk} bytes, each flushed on its own (split anywhere). */
        public void sendInChunks(byte[] bytes, int chunk) throws IOException {
            for (int i = 0; i < bytes.length; i += chunk) {
                out.write(bytes, i, Math.min(chunk, bytes.length - i));
                out.flush();
            }
        }

        /** Sends one unmasked frame exactly as described (any bits, any opcode 0–15, unchecked). */
        public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
            sendRaw(encodeFrame(fin, rsv, opcode, null, payload));
        }

        /** Sends one frame <em>masked</em> with {@code maskKey}: a server must never do this (RFC 6455 §5.1). */
        public void sendMaskedFrame(boolean fin, int rsv, int opcode, byte[] payload, int maskKey) throws IOException {
            sendRaw(encodeFrame(fin, rsv, opcode, maskKey, payload));
        }

        /** One unmasked text frame (FIN set). */
        public void sendText(String text) throws IOException {
            sendFrame(true, 0, Opcode.TEXT.code(), text.getBytes(StandardCharsets.UTF_8));
        }

        /** One unmasked binary frame (FIN set). */
        public void sendBinary(byte[] data) throws IOException {
            sendFrame(true, 0, Opcode.BINARY.code(), data);
        }

        /** An unmasked ping. */
        public void sendPing(byte[] payload) throws IOException {
            sendFrame(true, 0, Opcode.PING.code(), payload);
        }

        /** An unmasked pong. */
        public void sendPong(byte[] payload) throws IOException {
            sendFrame(true, 0, Opcode.PONG.code(), payload);
        }

        /** An unmasked close frame with {@code code} and {@code reason} (unchecked: any code, any length). */
        public void sendClose(int code, String reason) throws IOException {
            sendFrame(true, 0, Opcode.CLOSE.code(), closePayload(code, reason));
        }

        /** An unmasked close frame with no payload (status 1005 at the client). */
        public void sendEmptyClose() throws IOException {
            sendFrame(true, 0, Opcode.CLOSE.code(), new byte[0]);
        }

        // ---- receiving ----

        /** The client's next frame, waiting up to the server's read timeout. */
        public ClientFrame readFrame() throws IOException {
            return readFrame(readTimeout);
        }

        /**
         * The client's next frame, waiting up to {@code timeout} for it to start and complete; its payload is
         * unmasked. Does not reject an unmasked frame: check {@link ClientFrame#masked()}.
         *
         * @throws EOFException at EOF (also in the middle of a frame)
         * @throws SocketTimeoutException when nothing (or not all of it) arrives in time
         * @throws IOException for a payload over {@link #maxFramePayload} or a 64-bit length with its top bit set
         */
        public ClientFrame readFrame(Duration timeout) throws IOException {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                int b0 = readByte();
                int b1 = readByte();
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = (long) readByte() << 8 | readByte();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = len << 8 | readByte();
                    }
                    if (len < 0) {
                        throw new IOException("64-bit payload length with its top bit set");
                    }
                }
                if (len > maxFramePayload) {
                    throw new IOException("client frame of " + len + " bytes is over the cap of " + maxFramePayload);
                }
                boolean masked = (b1 & 0x80) != 0;
                int key = 0;
                if (masked) {
                    key = readByte() << 24 | readByte() << 16 | readByte() << 8 | readByte();
                }
                byte[] payload = in.readNBytes((int) len);
                if (payload.length < len) {
                    throw new EOFException("client closed in the middle of a frame payload");
                }
                if (masked) {
                    Masker.maskArray(payload, 0, payload.length, key);
                }
                return new ClientFrame((b0 & 0x80) != 0, b0 >>> 4 & 0b111, b0 & 0x0F, masked, key, payload);
            } finally {
                socket.setSoTimeout((int) readTimeout.toMillis());
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("client closed the connection");
            }
            return b;
        }

        /** Reads frames until a close frame arrives and returns it (other frames are dropped); null at EOF first. */
        public ClientFrame awaitClose(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no close frame within " + timeout);
                }
                ClientFrame f;
                try {
                    f = readFrame(Duration.ofNanos(left));
                } catch (EOFException e) {
                    return null;
                }
                if (f.opcode() == Opcode.CLOSE.code()) {
                    return f;
                }
            }
        }

        /**
         * Waits up to {@code timeout} for the client to close TCP, discarding what arrives meanwhile; true on EOF
         * (or a reset), false when the time passed first.
         */
        public boolean awaitEof(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] sink = new byte[8192];
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                    try {
                        if (in.read(sink) < 0) {
                            return true;
                        }
                    } catch (SocketTimeoutException e) {
                        return false;
                    } catch (SocketException e) {
                        return true; // reset by the client
                    }
                }
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout((int) readTimeout.toMillis());
                }
            }
        }

        // ---- closing ----

        /** Half-closes: no more bytes from the server (TCP FIN), reading still works (not for TLS sockets). */
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        /** Closes the TCP connection now. */
        public void closeSocket() throws IOException {
            socket.close();
        }

        /** Closes with a TCP reset (SO_LINGER 0) instead of a FIN. */
        public void resetSocket() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    /** The names of the threads a server runs ({@code scripted-ws-…}), for leak checks. */
    public static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("scripted-ws-")) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
