package dev.sleet.frame;

import dev.sleet.frame.internal.ChaCha20;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Masking keys for a client's frames (RFC 6455 §5.3: "a fresh masking key ... derived from a strong source of
 * entropy", one an intermediary cannot predict from earlier frames), without a {@link SecureRandom} call per
 * frame.
 *
 * <p><b>How.</b> The keys are the output words of ChaCha20 (RFC 8439 §2.3, twenty rounds) under a 256-bit key drawn
 * from a {@link SecureRandom}: one block of 64 bytes gives sixteen masking keys. After {@code keysPerSeed} keys
 * (default {@value #DEFAULT_KEYS_PER_SEED}) the next key draws a fresh ChaCha20 key from the {@code SecureRandom},
 * so no single seed covers more than that many frames. Predicting a key from the keys seen on the wire is as hard
 * as breaking ChaCha20 as a stream cipher; the key source is seeded lazily, on the first key, so a connection that
 * never sends costs no {@code SecureRandom} call. Per key this is about a sixteenth of a ChaCha20 block, a few
 * nanoseconds ({@code MaskKeyBenchmark} in {@code benchmarks/}).
 *
 * <p><b>Threads.</b> Not thread-safe, and not meant to be shared: give each connection (each
 * {@link FrameWriter}) its own, or one per I/O thread. It may move between threads the way a connection's writer
 * does, as long as each hand-off orders the previous use before the next (a lock, a queue, a volatile write and
 * read).
 *
 * <table>
 *   <caption>Mutable state</caption>
 *   <tr><th>field</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code key}, {@code counter}, {@code block}, {@code next}, {@code remaining}, {@code reseeds}</td>
 *       <td>the thread drawing keys</td><td>the same thread</td><td>confined; hand-offs ordered by the owner</td></tr>
 * </table>
 */
public final class MaskKeySource implements IntSupplier {

    /** Keys drawn from one seed before the next is taken: 2^20 (65,536 ChaCha20 blocks). */
    public static final int DEFAULT_KEYS_PER_SEED = 1 << 20;

    private static final int[] NONCE = new int[3];
    private static final SecureRandom SHARED = new SecureRandom();

    private final SecureRandom seeds;
    private final int keysPerSeed;
    private final int[] key = new int[8];
    private final int[] block = new int[16];
    private final byte[] seed = new byte[32];
    private int counter;
    private int next = 16;
    private int remaining;
    private long reseeds;

    /** A source seeded from a process-wide {@link SecureRandom}, re-seeded every {@value #DEFAULT_KEYS_PER_SEED} keys. */
    public MaskKeySource() {
        this(SHARED, DEFAULT_KEYS_PER_SEED);
    }

    /**
     * A source seeded from {@code seeds} every {@code keysPerSeed} keys.
     *
     * @param seeds       where 256-bit ChaCha20 keys come from; it must be thread-safe if it is shared (a
     *                    {@code SecureRandom} from the JDK's providers is)
     * @param keysPerSeed how many masking keys one seed gives, at least 16 (one block)
     */
    public MaskKeySource(SecureRandom seeds, int keysPerSeed) {
        this.seeds = Objects.requireNonNull(seeds, "seeds");
        if (keysPerSeed < 16) {
            throw new IllegalArgumentException("keysPerSeed must be at least 16 (one ChaCha20 block): " + keysPerSeed);
        }
        this.keysPerSeed = keysPerSeed;
    }

    /** The next masking key (its four bytes, big-endian, are the key as written in the frame header). */
    @Override
    public int getAsInt() {
        if (remaining == 0) {
            reseed();
        }
        remaining--;
        if (next == 16) {
            ChaCha20.block(key, counter++, NONCE, block);
            next = 0;
        }
        return block[next++];
    }

    /** How many times this source has drawn a seed from its {@link SecureRandom} (the first key counts one). */
    public long reseeds() {
        return reseeds;
    }

    /** How many keys one seed gives. */
    public int keysPerSeed() {
        return keysPerSeed;
    }

    private void reseed() {
        seeds.nextBytes(seed);
        for (int i = 0; i < 8; i++) {
            int o = i << 2;
            key[i] = seed[o] & 0xFF | (seed[o + 1] & 0xFF) << 8 | (seed[o + 2] & 0xFF) << 16 | seed[o + 3] << 24;
        }
        java.util.Arrays.fill(seed, (byte) 0);
        counter = 0;
        next = 16; // the rest of the old block is dropped: nothing derived from the old key is used again
        remaining = keysPerSeed;
        reseeds++;
    }

    @Override
    public String toString() {
        return "MaskKeySource[ChaCha20, keysPerSeed=" + keysPerSeed + ", reseeds=" + reseeds + "]";
    }
}
