package dev.sleet.deflate;

import dev.sleet.deflate.internal.ZlibPool;
import dev.sleet.frame.Role;
import dev.sleet.handshake.spi.ClientExtensionProvider;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;
import dev.sleet.handshake.spi.ExtensionResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The client half of permessage-deflate (RFC 7692): the offer a client sends, and the check of the server's
 * response, which gives the client's {@link DeflateAgreement} ({@link DeflateAgreement#role()} is
 * {@link Role#CLIENT}: it compresses with the client's parameters and inflates the server's messages). Hand it to
 * {@code ClientHandshake.builder(uri).extension(new PerMessageDeflateClient())}.
 *
 * <p><b>Offer</b> (§7.1): one element, {@code permessage-deflate}, with the parameters {@link DeflateClientConfig}
 * asks for, in the RFC's order; by default {@code permessage-deflate; client_max_window_bits}.
 *
 * <p><b>Response checks</b> (§5, §7.1: "the client MUST Fail the WebSocket Connection"), each refused with an
 * {@link ExtensionResponseException} naming the rule: a parameter RFC 7692 does not define, or one given twice; a
 * value on {@code server_no_context_takeover} or {@code client_no_context_takeover}; a missing or malformed window
 * size (a decimal 8–15 without leading zeros); {@code server_max_window_bits} above the value offered, or missing
 * when one was offered (§7.1.2.1: the server accepts that offer by echoing a value no larger); no
 * {@code server_no_context_takeover} when the client offered it (§7.1.1.1, same reason); and
 * {@code client_max_window_bits} above the value the client announced. A {@code client_no_context_takeover} the
 * client did not offer is accepted (§7.1.1.2 lets the server ask for it), and so is a {@code server_max_window_bits}
 * the client did not ask for (§7.1.2.1).
 *
 * <p>Immutable and thread-safe; one instance serves every connection of a client.
 */
public final class PerMessageDeflateClient implements ClientExtensionProvider {

    private final DeflateClientConfig config;
    private final ExtensionOffer offer;
    private final DeflateConfig agreementConfig;

    /** A client provider with {@link DeflateClientConfig#defaults()}. */
    public PerMessageDeflateClient() {
        this(DeflateClientConfig.defaults());
    }

    /** A client provider that offers and compresses as {@code config} says. */
    public PerMessageDeflateClient(DeflateClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        List<ExtensionParameter> ps = new ArrayList<>(4);
        if (config.serverNoContextTakeover()) {
            ps.add(ExtensionParameter.of(DeflateParameters.SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (config.clientNoContextTakeover()) {
            ps.add(ExtensionParameter.of(DeflateParameters.CLIENT_NO_CONTEXT_TAKEOVER));
        }
        if (config.serverMaxWindowBits() != 0) {
            ps.add(ExtensionParameter.of(DeflateParameters.SERVER_MAX_WINDOW_BITS,
                    Integer.toString(config.serverMaxWindowBits())));
        }
        ps.add(config.clientMaxWindowBits() == 0 ? ExtensionParameter.of(DeflateParameters.CLIENT_MAX_WINDOW_BITS)
                : ExtensionParameter.of(DeflateParameters.CLIENT_MAX_WINDOW_BITS,
                        Integer.toString(config.clientMaxWindowBits())));
        this.offer = new ExtensionOffer(DeflateParameters.NAME, ps);
        this.agreementConfig = new DeflateConfig(config.compressionLevel(), config.threshold(),
                config.serverNoContextTakeover(), config.clientNoContextTakeover(),
                config.serverMaxWindowBits() == 0 ? DeflateConfig.MAX_WINDOW_BITS : config.serverMaxWindowBits(),
                config.clientMaxWindowBits() == 0 ? DeflateConfig.MAX_WINDOW_BITS : config.clientMaxWindowBits());
    }

    /** The configuration. */
    public DeflateClientConfig config() {
        return config;
    }

    @Override
    public String name() {
        return DeflateParameters.NAME;
    }

    /** The one offer, e.g. {@code permessage-deflate; client_max_window_bits}. */
    @Override
    public List<ExtensionOffer> offers() {
        return List.of(offer);
    }

    /**
     * Checks the server's response element (see the class comment) and returns the client's agreement.
     *
     * @throws ExtensionResponseException naming the rule the response breaks
     */
    @Override
    public DeflateAgreement accept(ExtensionOffer response) throws ExtensionResponseException {
        if (!response.name().equalsIgnoreCase(DeflateParameters.NAME)) {
            throw new ExtensionResponseException("not a permessage-deflate response: " + response.name());
        }
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = 0;
        int clientBits = 0;
        int seen = 0;
        for (ExtensionParameter p : response.parameters()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            int bit;
            switch (name) {
                case DeflateParameters.SERVER_NO_CONTEXT_TAKEOVER -> {
                    bit = 1;
                    noValue(p);
                    serverNoContext = true;
                }
                case DeflateParameters.CLIENT_NO_CONTEXT_TAKEOVER -> {
                    bit = 2;
                    noValue(p);
                    clientNoContext = true;
                }
                case DeflateParameters.SERVER_MAX_WINDOW_BITS -> {
                    bit = 4;
                    serverBits = windowBits(p);
                    if (config.serverMaxWindowBits() != 0 && serverBits > config.serverMaxWindowBits()) {
                        throw new ExtensionResponseException("server_max_window_bits=" + serverBits
                                + " is above the " + config.serverMaxWindowBits() + " offered");
                    }
                }
                case DeflateParameters.CLIENT_MAX_WINDOW_BITS -> {
                    bit = 8;
                    clientBits = windowBits(p);
                    if (config.clientMaxWindowBits() != 0 && clientBits > config.clientMaxWindowBits()) {
                        throw new ExtensionResponseException("client_max_window_bits=" + clientBits
                                + " is above the " + config.clientMaxWindowBits() + " the client announced");
                    }
                }
                default -> throw new ExtensionResponseException("unknown parameter " + p.name());
            }
            if ((seen & bit) != 0) {
                throw new ExtensionResponseException(p.name() + " given twice");
            }
            seen |= bit;
        }
        if (config.serverNoContextTakeover() && !serverNoContext) {
            throw new ExtensionResponseException("server_no_context_takeover was offered but not confirmed");
        }
        if (config.serverMaxWindowBits() != 0 && serverBits == 0) {
            throw new ExtensionResponseException("server_max_window_bits was offered but not confirmed");
        }
        DeflateParameters agreed = new DeflateParameters(serverNoContext, clientNoContext, serverBits, clientBits);
        return new DeflateAgreement(agreed, agreementConfig, ZlibPool.SHARED, Role.CLIENT);
    }

    private static void noValue(ExtensionParameter p) throws ExtensionResponseException {
        if (p.hasValue()) {
            throw new ExtensionResponseException(p.name() + " takes no value, got " + p.value());
        }
    }

    private static int windowBits(ExtensionParameter p) throws ExtensionResponseException {
        String v = p.value();
        if (v != null && v.length() <= 2) {
            switch (v) {
                case "8", "9", "10", "11", "12", "13", "14", "15" -> {
                    return Integer.parseInt(v);
                }
                default -> {
                }
            }
        }
        throw new ExtensionResponseException(p.name() + " needs a value 8-15 without leading zeros, got "
                + (v == null ? "none" : v));
    }

    @Override
    public String toString() {
        return "PerMessageDeflateClient[" + offer.format() + "]";
    }
}
