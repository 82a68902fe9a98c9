package org.vgg4j.benchmarks.soak;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Asks glibc to give the free memory of its malloc arenas back to the kernel ({@code malloc_trim(0)}, through JNA),
 * so that a soak can tell memory the engines hold from memory they freed but the allocator kept; a no-op returning
 * false where there is no glibc.
 */
public final class MallocTrim {
    private interface GlibC extends Library {
        int malloc_trim(long pad);
    }

    private MallocTrim() {
    }

    /**
     * Calls {@code malloc_trim(0)}; true when glibc released something, false when nothing or not glibc.
     *
     * @return whether memory was returned to the system
     */
    public static boolean trim() {
        try {
            return Native.load("c", GlibC.class).malloc_trim(0) == 1;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
