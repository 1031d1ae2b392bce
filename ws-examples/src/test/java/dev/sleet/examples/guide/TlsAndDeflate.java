package dev.sleet.examples.guide;

import dev.sleet.deflate.DeflateConfig;
import dev.sleet.deflate.PerMessageDeflate;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.nio.file.Path;

final class Tls {
    private Tls() {
    }

    // guide:tls
    static WebSocketServer startTls(int port, Path certPem, Path keyPem, WebSocketHandler handler) throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .port(port)                                   // this port speaks wss:// only
                .tls(TlsConfig.builder()
                        .pem(certPem, keyPem)                 // PEM files as openssl or certbot write them
                        .build())
                .handler(handler)
                .start();
        return server;
    }
    // end:tls

    static void more(Path certPem, Path keyPem, Path adminCert, Path adminKey, WebSocketHandler handler)
            throws Exception {
        // guide:tls-more
        WebSocketServer server = WebSocketServer.builder()
                .port(8080)                                   // ws://
                .tlsPort(8443)                                // and wss:// on a second port
                .tls(TlsConfig.builder()
                        .pem(certPem, keyPem)                                      // the default certificate
                        .sniCertificate("admin.example.com", adminCert, adminKey) // chosen by the name asked for
                        .build())
                .handler(handler)
                .start();

        // after the files were renewed: new connections get the new certificate, open ones keep theirs
        server.reloadTls(TlsConfig.builder().pem(certPem, keyPem)
                .sniCertificate("admin.example.com", adminCert, adminKey).build());
        // end:tls-more
        server.close();
    }

    static void deflate(WebSocketHandler handler) throws Exception {
        // guide:deflate
        WebSocketServer server = WebSocketServer.builder()
                .port(8080)
                .extension("permessage-deflate")             // ws-deflate's defaults (found by ServiceLoader)
                .handler(handler)
                .start();
        // end:deflate
        server.close();
    }

    // guide:deflate-config
    static WebSocketServer startCompressed(int port, WebSocketHandler handler) throws Exception {
        return WebSocketServer.builder()
                .port(port)
                .extension(new PerMessageDeflate(DeflateConfig.noContextTakeover()   // no memory between messages
                        .withCompressionLevel(3)                                   // faster, a little larger
                        .withThreshold(256)))                                      // small messages as they are
                .handler(handler)
                .start();
    }
    // end:deflate-config
}
