package dev.sleet.examples.guide;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;

// guide:getting-started
final class Echo implements WebSocketHandler {
    @Override public void onMessage(Connection connection, Message message) {
        switch (message) {
            case Message.Text text -> connection.send(text.text());
            case Message.Binary binary -> connection.send(binary.data());
        }
    }

    public static void main(String[] args) throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .port(8080)
                .handler(new Echo())
                .start();
        System.out.println("echo on ws://localhost:" + server.port() + "/");
        server.awaitTermination();
    }
}
// end:getting-started
