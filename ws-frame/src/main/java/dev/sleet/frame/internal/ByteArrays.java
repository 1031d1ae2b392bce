package dev.sleet.frame.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Word-at-a-time access to {@code byte[]} in the platform's byte order, for masking and UTF-8 scanning. */
public final class ByteArrays {
    /** Reads or writes a {@code long} at any byte index of a {@code byte[]}, in native order. */
    public static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /**
     * Reads or writes a {@code long} at any byte index of a {@code ByteBuffer} (heap or direct), in native order
     * whatever the buffer's own {@link java.nio.ByteBuffer#order()}.
     */
    public static final VarHandle BUFFER_LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** Reads or writes an {@code int} at any byte index of a {@code byte[]}, in native order. */
    public static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** Reads or writes an {@code int} at any byte index of a {@code ByteBuffer}, in native order. */
    public static final VarHandle BUFFER_INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** Whether the platform is little-endian (x86, most ARM set-ups). */
    public static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private ByteArrays() {
    }

    /** Reads 8 bytes at {@code index} as a native-order {@code long}. */
    public static long getLong(byte[] a, int index) {
        return (long) LONG.get(a, index);
    }

    /** Reads 8 bytes at {@code index} of a buffer as a native-order {@code long}. */
    public static long getLong(java.nio.ByteBuffer b, int index) {
        return (long) BUFFER_LONG.get(b, index);
    }

    /** Writes 8 bytes at {@code index} of a buffer as a native-order {@code long}. */
    public static void putLong(java.nio.ByteBuffer b, int index, long value) {
        BUFFER_LONG.set(b, index, value);
    }

    /** Writes 8 bytes at {@code index} as a native-order {@code long}. */
    public static void putLong(byte[] a, int index, long value) {
        LONG.set(a, index, value);
    }
}
