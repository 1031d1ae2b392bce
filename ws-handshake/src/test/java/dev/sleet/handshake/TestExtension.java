package dev.sleet.handshake;

import dev.sleet.handshake.spi.ClientExtensionProvider;
import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;
import dev.sleet.handshake.spi.ExtensionProvider;
import dev.sleet.handshake.spi.ExtensionResponseException;

import java.util.List;
import java.util.Optional;

/**
 * A made-up extension for the handshake's own tests, both halves: the client offers {@code x-level; max=N}; the
 * server answers {@code x-level; level=M} with M = min(N, its own cap); the client accepts a response whose
 * {@code level} is a number 1..N and nothing else.
 */
final class TestExtension {

    static final String NAME = "x-level";

    record Agreement(ExtensionOffer response, int level) implements ExtensionAgreement {
    }

    record Server(int cap) implements ExtensionProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public Optional<ExtensionAgreement> negotiate(List<ExtensionOffer> offers) {
            for (ExtensionOffer o : offers) {
                Optional<ExtensionParameter> max = o.parameter("max");
                if (max.isPresent() && max.get().hasValue()) {
                    int level = Math.min(cap, Integer.parseInt(max.get().value()));
                    return Optional.of(new Agreement(ExtensionOffer.of(NAME,
                            ExtensionParameter.of("level", Integer.toString(level))), level));
                }
            }
            return Optional.empty();
        }
    }

    record Client(int max) implements ClientExtensionProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<ExtensionOffer> offers() {
            return List.of(ExtensionOffer.of(NAME, ExtensionParameter.of("max", Integer.toString(max))));
        }

        @Override
        public ExtensionAgreement accept(ExtensionOffer response) throws ExtensionResponseException {
            if (response.parameters().size() != 1 || !response.parameters().get(0).name().equals("level")
                    || !response.parameters().get(0).hasValue()) {
                throw new ExtensionResponseException("expected exactly level=N, got " + response.format());
            }
            int level;
            try {
                level = Integer.parseInt(response.parameters().get(0).value());
            } catch (NumberFormatException e) {
                throw new ExtensionResponseException("level is not a number");
            }
            if (level < 1 || level > max) {
                throw new ExtensionResponseException("level=" + level + " is outside 1.." + max);
            }
            return new Agreement(response, level);
        }
    }

    private TestExtension() {
    }
}
