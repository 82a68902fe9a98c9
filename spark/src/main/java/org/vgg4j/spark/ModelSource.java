package org.vgg4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Where the executors find the model to run: an exported ONNX file (always run on ONNX Runtime) or a safetensors
 * checkpoint with its network, run on a backend chosen by name. Paths are read on each executor, so on a cluster they
 * must be on every node (a shared file system, or {@code spark-submit --files} with a bare file name).
 *
 * <p>Serializable only so that Spark can ship a source to executors running the same build; its serialized form is
 * not a stable format, so it is left out of the serialized-form documentation.
 */
public sealed interface ModelSource extends Serializable {

    /**
     * The text that, with the backend's name, keys the per-JVM session cache.
     *
     * @return {@code onnx:PATH} for an ONNX file, {@code weights:PATH:NETWORK-KEY} for a checkpoint
     */
    String key();

    /**
     * An ONNX model exported by vgg4j (class names and input shape come from its metadata).
     *
     * @param path the {@code .onnx} file
     * @serial exclude
     */
    record OnnxFile(String path) implements ModelSource {
        private static final long serialVersionUID = 1L;

        /**
         * Checks the path.
         *
         * @param path the {@code .onnx} file, as each executor reads it; not blank
         * @throws IllegalArgumentException if {@code path} is null or blank
         */
        public OnnxFile {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("an ONNX model path is required");
            }
        }

        @Override
        public String key() {
            return "onnx:" + path;
        }
    }

    /**
     * Safetensors weights (a vgg4j checkpoint's {@code .safetensors}) for {@code network}.
     *
     * @param weights    the {@code .safetensors} file
     * @param network    the network the weights belong to
     * @param classNames class names by index (empty: the index itself is the name)
     * @serial exclude
     */
    record Checkpoint(String weights, NetworkSpec network, List<String> classNames) implements ModelSource {
        private static final long serialVersionUID = 1L;

        /**
         * Checks the source and copies the class names.
         *
         * @param weights    the {@code .safetensors} file, as each executor reads it; not blank
         * @param network    the network the weights belong to; not null
         * @param classNames class names by index; null or empty: the index itself is the name
         * @throws IllegalArgumentException if {@code weights} is blank or {@code network} is null
         */
        public Checkpoint {
            if (weights == null || weights.isBlank()) {
                throw new IllegalArgumentException("a weights path is required");
            }
            if (network == null) {
                throw new IllegalArgumentException("the network of " + weights + " is required");
            }
            classNames = List.copyOf(classNames == null ? List.of() : classNames);
        }

        @Override
        public String key() {
            return "weights:" + weights + ":" + network.key();
        }
    }
}
