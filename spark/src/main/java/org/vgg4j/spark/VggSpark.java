package org.vgg4j.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Distributed batch inference on Spark: {@link #classify} adds a model's predictions to a data set of images, each
 * executor JVM running one shared backend session ({@link ExecutorSessions}) over batches of its partitions.
 */
public final class VggSpark {
    /** The predicted class index (int). */
    public static final String PREDICTION = "prediction";
    /** The predicted class's name (string; the index when the model has no names). */
    public static final String PREDICTED_CLASS = "predicted_class";
    /** The predicted class's probability (double). */
    public static final String PROBABILITY = "probability";
    /** Every class's softmax probability (array of double, by class index). */
    public static final String PROBABILITIES = "probabilities";

    private VggSpark() {
    }

    /**
     * {@code images} without its input column, with columns {@value #PREDICTION}, {@value #PREDICTED_CLASS},
     * {@value #PROBABILITY} and {@value #PROBABILITIES} added; the same rows in the same order. Lazy, like every
     * Spark transformation: the model is opened on the executors when an action runs. Image bytes are decoded as
     * {@code vgg4j predict} decodes files, so the probabilities equal {@code predict}'s for the same files.
     *
     * @param images  rows with the input column of {@code options} (e.g. {@code spark.read().format("binaryFile")})
     * @param model   the model every executor opens
     * @param options backend, batch size, input column, inversion, pixel limit
     * @return a lazy data set of the same rows, the input column replaced by the prediction columns
     * @throws IllegalArgumentException if the input column is missing or of another type
     */
    public static Dataset<Row> classify(Dataset<Row> images, ModelSource model, ClassifyOptions options) {
        return classify(images, model, options, TaskHook.NONE);
    }

    static Dataset<Row> classify(Dataset<Row> images, ModelSource model, ClassifyOptions options, TaskHook hook) {
        StructType schema = images.schema();
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(options.inputColumn())) {
            throw new IllegalArgumentException("input column '" + options.inputColumn() + "' is not among "
                    + java.util.Arrays.toString(schema.fieldNames()));
        }
        PartitionClassifier classifier = new PartitionClassifier(model, options, schema, hook);
        StructType out = new StructType();
        for (StructField f : schema.fields()) {
            if (!f.name().equals(options.inputColumn())) {
                out = out.add(f);
            }
        }
        out = out.add(PREDICTION, DataTypes.IntegerType, false)
                .add(PREDICTED_CLASS, DataTypes.StringType, false)
                .add(PROBABILITY, DataTypes.DoubleType, false)
                .add(PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        JavaRDD<Row> rows = images.toJavaRDD().mapPartitions(classifier);
        return images.sparkSession().createDataFrame(rows, out);
    }
}
