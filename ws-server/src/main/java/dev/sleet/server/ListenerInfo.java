package dev.sleet.server;

import java.net.InetSocketAddress;

/**
 * One address a server listens on.
 *
 * @param address   the bound address (the real port when built with port 0)
 * @param transport the transport provider's name, e.g. {@code nio}, {@code jdk-tls}, {@code conscrypt}
 * @param secure    true for a TLS (wss://) listener
 */
public record ListenerInfo(InetSocketAddress address, String transport, boolean secure) {
}
