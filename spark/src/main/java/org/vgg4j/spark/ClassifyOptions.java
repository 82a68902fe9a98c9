package org.vgg4j.spark;

import java.io.Serializable;
import org.vgg4j.datasets.image.ImageDecoder;

/**
 * How {@link VggSpark#classify} runs: the backend (by name; {@code onnx} by default), the batch size inside each
 * partition, the input column (image file bytes, as Spark's {@code binaryFile} source gives in {@code content}, or an
 * array of {@code channels x size x size} floats already scaled like the training data), whether image files are
 * inverted (as {@code vgg4j predict --invert}), and the decoder's pixel limit.
 *
 * <p>Serializable only so that Spark can ship it to executors running the same build; its serialized form is
 * not a stable format, so it is left out of the serialized-form documentation.
 *
 * @param backend     backend name ({@code onnx}, {@code pytorch}, {@code tensorflow}, ...)
 * @param batchSize   images per engine call (>= 1)
 * @param inputColumn the column holding the image bytes or arrays
 * @param invert      invert decoded image files (light-on-dark models, dark-on-light photos)
 * @param maxPixels   refuse image files declaring more pixels than this
 * @serial exclude
 */
public record ClassifyOptions(String backend, int batchSize, String inputColumn, boolean invert, long maxPixels)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the options.
     *
     * @param backend     backend name; not blank
     * @param batchSize   images per engine call, at least 1
     * @param inputColumn the column holding the image bytes or arrays; not blank
     * @param invert      invert decoded image files
     * @param maxPixels   pixel limit of the decoder, from 1 to {@code ImageDecoder.HIGHEST_MAX_PIXELS}
     * @throws IllegalArgumentException if a value is missing or out of range
     */
    public ClassifyOptions {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("a backend name is required");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (inputColumn == null || inputColumn.isBlank()) {
            throw new IllegalArgumentException("an input column is required");
        }
        if (maxPixels < 1 || maxPixels > ImageDecoder.HIGHEST_MAX_PIXELS) {
            throw new IllegalArgumentException("max pixels must be in [1, " + ImageDecoder.HIGHEST_MAX_PIXELS
                    + "], got " + maxPixels);
        }
    }

    /**
     * ONNX Runtime, batches of 64, column {@code content} (Spark's {@code binaryFile}), no inversion, 64 megapixels.
     *
     * @return the default options
     */
    public static ClassifyOptions defaults() {
        return new ClassifyOptions("onnx", 64, "content", false, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /**
     * These options with another backend.
     *
     * @param name backend name, e.g. {@code onnx} or {@code pytorch}; not blank
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public ClassifyOptions withBackend(String name) {
        return new ClassifyOptions(name, batchSize, inputColumn, invert, maxPixels);
    }

    /**
     * These options with another batch size.
     *
     * @param n images per engine call, at least 1
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public ClassifyOptions withBatchSize(int n) {
        return new ClassifyOptions(backend, n, inputColumn, invert, maxPixels);
    }

    /**
     * These options reading another input column.
     *
     * @param column the column of image file bytes or float arrays; not blank
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code column} is null or blank
     */
    public ClassifyOptions withInputColumn(String column) {
        return new ClassifyOptions(backend, batchSize, column, invert, maxPixels);
    }

    /**
     * These options with image inversion on or off.
     *
     * @param on whether decoded image files are inverted (arrays in the input column are never inverted)
     * @return new options; these are unchanged
     */
    public ClassifyOptions withInvert(boolean on) {
        return new ClassifyOptions(backend, batchSize, inputColumn, on, maxPixels);
    }

    /**
     * These options with another decoder pixel limit.
     *
     * @param n the most pixels an image file may declare, from 1 to {@code ImageDecoder.HIGHEST_MAX_PIXELS}
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public ClassifyOptions withMaxPixels(long n) {
        return new ClassifyOptions(backend, batchSize, inputColumn, invert, n);
    }
}
