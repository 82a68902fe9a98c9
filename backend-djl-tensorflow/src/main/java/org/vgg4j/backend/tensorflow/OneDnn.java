package org.vgg4j.backend.tensorflow;

import com.sun.jna.NativeLibrary;

/**
 * Turns TensorFlow's oneDNN graph optimisations on where TensorFlow 2.16 leaves them off by default (it enables them
 * only on some CPUs; on the 2-core AMD EPYC dev machine they were off and a 224x224 training step took 1095 ms, 450 ms
 * with them). TensorFlow reads {@code TF_ENABLE_ONEDNN_OPTS} from the process environment when it first needs it, so
 * this sets it (glibc {@code setenv}, through JNA) before the engine loads, unless the environment already has it or
 * {@code -Dvgg4j.tensorflow.onednn=false} is given.
 */
final class OneDnn {
    /** System property that leaves TensorFlow's own default ({@code false}). */
    static final String PROPERTY = "vgg4j.tensorflow.onednn";
    private static final String VARIABLE = "TF_ENABLE_ONEDNN_OPTS";

    private OneDnn() {
    }

    /** Sets {@code TF_ENABLE_ONEDNN_OPTS=1} unless it is set or turned off; true if it did. */
    static boolean enableByDefault() {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || System.getenv(VARIABLE) != null) {
            return false;
        }
        try {
            NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] {VARIABLE, "1", 0});
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
