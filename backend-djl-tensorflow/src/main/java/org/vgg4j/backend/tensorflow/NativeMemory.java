package org.vgg4j.backend.tensorflow;

import com.sun.jna.NativeLibrary;

/**
 * Gives freed native memory back to the operating system ({@code malloc_trim(0)} of glibc, through JNA, which DJL
 * already depends on). TensorFlow's CPU tensors come from {@code malloc}; a graph run allocates every output afresh
 * (parameters and optimizer slots of tens of MB each), and glibc's growing mmap threshold then keeps the freed blocks in
 * its arenas: 20 closed Adam trainers of a 4.2 M-parameter network left +180 to +240 MiB of resident memory that
 * nothing used. Called when a trainer or session closes; a no-op where the C library has no {@code malloc_trim}.
 */
final class NativeMemory {
    private static volatile boolean unavailable;

    private NativeMemory() {
    }

    static void trim() {
        if (unavailable) {
            return;
        }
        try {
            NativeLibrary.getInstance("c").getFunction("malloc_trim").invokeInt(new Object[] {0});
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            unavailable = true;
        }
    }
}
