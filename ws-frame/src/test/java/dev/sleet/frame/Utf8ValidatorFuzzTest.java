package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Differential fuzzing of the incremental UTF-8 validator (RFC 3629, RFC 6455 §8.1) against the JDK's decoder in
 * REPORT mode: the same verdict for any bytes, whether validated whole or in two pieces, from a heap or a direct
 * buffer.
 */
class Utf8ValidatorFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void matchesTheJdk(FuzzedDataProvider data) {
        int cut = data.consumeInt(0, 1 << 16);
        byte[] bytes = data.consumeRemainingAsBytes();
        cut = Math.min(cut, bytes.length);
        boolean jdk;
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            jdk = true;
        } catch (CharacterCodingException e) {
            jdk = false;
        }
        assertEquals(jdk, Utf8Validator.isValid(ByteBuffer.wrap(bytes)), "heap, whole");
        assertEquals(jdk, Utf8Validator.isValid(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()), "direct, whole");
        Utf8Validator v = new Utf8Validator();
        boolean ours;
        try {
            v.validate(ByteBuffer.wrap(bytes, 0, cut));
            v.validate(ByteBuffer.allocateDirect(bytes.length - cut).put(bytes, cut, bytes.length - cut).flip());
            v.finish();
            ours = true;
        } catch (InvalidPayloadException e) {
            ours = false;
        }
        assertEquals(jdk, ours, "two pieces, cut at " + cut);
    }
}
