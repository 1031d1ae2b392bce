package dev.sleet.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP {@code CONNECT} proxy for tests (RFC 9110 §9.3.6) on 127.0.0.1, port 0: reads the request head,
 * answers 407 when it wants credentials that did not come, else connects to the target, answers 200 and copies bytes
 * both ways until either side closes. It records the request heads it saw.
 */
final class ConnectProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String requiredAuthorization;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    final List<String> heads = new CopyOnWriteArrayList<>();

    /** @param requiredAuthorization the exact {@code Proxy-Authorization} value wanted, or null for none */
    ConnectProxy(String requiredAuthorization) throws IOException {
        this.requiredAuthorization = requiredAuthorization;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().name("connect-proxy").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                sockets.add(s);
                Thread.ofPlatform().daemon().name("connect-proxy-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(10_000);
            String head = readHead(client.getInputStream());
            heads.add(head);
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            OutputStream out = client.getOutputStream();
            if (requestLine.length != 3 || !requestLine[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (requiredAuthorization != null
                    && !head.contains("\r\nProxy-Authorization: " + requiredAuthorization + "\r\n")) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            int colon = requestLine[1].lastIndexOf(':');
            try (Socket upstream = new Socket(requestLine[1].substring(0, colon),
                    Integer.parseInt(requestLine[1].substring(colon + 1)))) {
                sockets.add(upstream);
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                client.setSoTimeout(0);
                Thread up = Thread.ofPlatform().daemon().start(() -> copy(client, upstream));
                copy(upstream, client);
                up.join();
            }
        } catch (IOException | InterruptedException e) {
            // the test sees the effect on its client
        } finally {
            sockets.remove(client);
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
            } catch (IOException ignored) {
                // closing either way
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4 && head.size() < 16 * 1024) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in the request head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
