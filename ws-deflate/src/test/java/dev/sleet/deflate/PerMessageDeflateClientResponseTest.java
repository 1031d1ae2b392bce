package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Role;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionResponseException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client half of permessage-deflate: the offers it writes (RFC 7692 §7.1) and each rule it checks on the
 * server's response element (§5, §7.1.1, §7.1.2), with the parameters a valid response gives.
 */
class PerMessageDeflateClientResponseTest {

    private static DeflateAgreement accept(DeflateClientConfig config, String response)
            throws ExtensionResponseException {
        List<ExtensionOffer> parsed = ExtensionOffer.parseHeader(response);
        assertEquals(1, parsed.size());
        return new PerMessageDeflateClient(config).accept(parsed.get(0));
    }

    private static void refused(DeflateClientConfig config, String response) {
        assertThrows(ExtensionResponseException.class, () -> accept(config, response), response);
    }

    @Test
    void offersWhatTheConfigAsksInTheRfcOrder() {
        assertEquals("permessage-deflate; client_max_window_bits",
                new PerMessageDeflateClient().offers().get(0).format());
        DeflateClientConfig all = DeflateClientConfig.defaults().withServerNoContextTakeover(true)
                .withClientNoContextTakeover(true).withServerMaxWindowBits(10).withClientMaxWindowBits(12);
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                + "server_max_window_bits=10; client_max_window_bits=12",
                ExtensionOffer.formatHeader(new PerMessageDeflateClient(all).offers()));
        assertThrows(IllegalArgumentException.class, () -> DeflateClientConfig.defaults().withClientMaxWindowBits(7));
        assertThrows(IllegalArgumentException.class, () -> DeflateClientConfig.defaults().withServerMaxWindowBits(16));
        assertThrows(IllegalArgumentException.class, () -> DeflateClientConfig.defaults().withCompressionLevel(10));
    }

    @Test
    void validResponsesGiveTheClientsAgreement() throws Exception {
        DeflateClientConfig d = DeflateClientConfig.defaults();
        DeflateAgreement plain = accept(d, "permessage-deflate");
        assertEquals(Role.CLIENT, plain.role());
        assertEquals(new DeflateParameters(false, false, 0, 0), plain.parameters());
        assertEquals(15, plain.parameters().clientWindowBits());
        DeflateAgreement limited = accept(d, "permessage-deflate; client_max_window_bits=9; client_no_context_takeover");
        assertEquals(9, limited.parameters().clientWindowBits());
        assertTrue(limited.parameters().clientNoContextTakeover(), "§7.1.1.2: the server may ask it unasked");
        assertEquals(11, accept(d, "Permessage-Deflate; SERVER_MAX_WINDOW_BITS=11").parameters().serverWindowBits(),
                "§7.1.2.1: the server may limit its own window unasked; names without case");
        DeflateClientConfig asks = d.withServerNoContextTakeover(true).withServerMaxWindowBits(12)
                .withClientMaxWindowBits(10);
        DeflateAgreement a = accept(asks, "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; "
                + "client_max_window_bits=10");
        assertTrue(a.parameters().serverNoContextTakeover());
        assertEquals(10, a.parameters().serverMaxWindowBits());
        assertEquals(10, a.parameters().clientMaxWindowBits());
        assertFalse(a.parameters().clientNoContextTakeover());
        assertEquals(6, a.config().compressionLevel());
    }

    @Test
    void responsesThatBreakARuleAreRefused() {
        DeflateClientConfig d = DeflateClientConfig.defaults();
        refused(d, "permessage-deflate; unknown_param");
        refused(d, "permessage-deflate; client_no_context_takeover; client_no_context_takeover");
        refused(d, "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10");
        refused(d, "permessage-deflate; server_no_context_takeover=1");
        refused(d, "permessage-deflate; client_no_context_takeover=yes");
        refused(d, "permessage-deflate; server_max_window_bits");
        refused(d, "permessage-deflate; client_max_window_bits");
        for (String bad : List.of("7", "16", "08", "010", "0", "abc", "-9")) {
            refused(d, "permessage-deflate; client_max_window_bits=" + bad);
            refused(d, "permessage-deflate; server_max_window_bits=" + bad);
        }
        DeflateClientConfig asks = d.withServerNoContextTakeover(true).withServerMaxWindowBits(10)
                .withClientMaxWindowBits(9);
        String confirmed = "permessage-deflate; server_no_context_takeover; server_max_window_bits=10";
        refused(asks, "permessage-deflate; server_max_window_bits=10");                    // takeover not echoed
        refused(asks, "permessage-deflate; server_no_context_takeover");                    // window not echoed
        refused(asks, "permessage-deflate; server_no_context_takeover; server_max_window_bits=11"); // above offer
        refused(asks, confirmed + "; client_max_window_bits=10");                          // above announced
        assertThrows(ExtensionResponseException.class,
                () -> new PerMessageDeflateClient().accept(ExtensionOffer.of("x-other")));
    }
}
