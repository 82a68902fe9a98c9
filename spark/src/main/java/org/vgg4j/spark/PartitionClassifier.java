package org.vgg4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.StructType;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.train.Evaluator;
import org.vgg4j.datasets.image.DecodedImage;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;

/**
 * The executor side of {@link VggSpark#classify}: reads a partition's rows in batches of
 * {@link ClassifyOptions#batchSize()}, turns each row's input into a network input (image bytes through
 * {@link ImageDecoder}, exactly as {@code vgg4j predict} reads a file; or an array column as it is), runs the batch
 * through this JVM's shared session ({@link ExecutorSessions}) and yields each input row without its input column,
 * followed by the predicted class index, its name, its probability and every class's probability.
 */
final class PartitionClassifier implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    /**
     * The behaviour before issue 12's fix, for {@code benchmarks/spark/inference.sh} to measure against: decode the batch
     * while holding the JVM's session ({@code -Dvgg4j.spark.decodeUnderSession=true}).
     */
    private static final boolean DECODE_UNDER_SESSION = Boolean.getBoolean("vgg4j.spark.decodeUnderSession");

    private final ModelSource model;
    private final ClassifyOptions options;
    private final int inputIndex;
    private final int pathIndex;
    private final boolean binary;
    private final int[] keptColumns;
    private final TaskHook hook;

    PartitionClassifier(ModelSource model, ClassifyOptions options, StructType schema, TaskHook hook) {
        this.model = model;
        this.options = options;
        this.hook = hook;
        this.inputIndex = schema.fieldIndex(options.inputColumn());
        this.binary = schema.fields()[inputIndex].dataType() instanceof BinaryType;
        if (!binary && !(schema.fields()[inputIndex].dataType() instanceof ArrayType)) {
            throw new IllegalArgumentException("input column '" + options.inputColumn() + "' is "
                    + schema.fields()[inputIndex].dataType().simpleString()
                    + "; expected binary (image file bytes, as Spark's binaryFile source gives) or an array of numbers");
        }
        int p = -1;
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals("path")) {
                p = i;
            }
        }
        this.pathIndex = p;
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < schema.fields().length; i++) {
            if (i != inputIndex) {
                kept.add(i);
            }
        }
        this.keptColumns = kept.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        hook.atTaskStart(TaskContext.get());
        ImageDecoder decoder = ImageDecoder.create().withMaxPixels(options.maxPixels())
                .withLimitHint("raise it with --max-pixels N");
        String key = options.backend() + "|" + model.key();
        Supplier<LoadedModel> open = () -> LoadedModel.open(model, options.backend());
        return new Iterator<>() {
            private final List<Row> pending = new ArrayList<>();
            private int next;
            private ModelShape shape;

            @Override
            public boolean hasNext() {
                if (next < pending.size()) {
                    return true;
                }
                pending.clear();
                next = 0;
                List<Row> batch = new ArrayList<>(options.batchSize());
                while (batch.size() < options.batchSize() && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    return false;
                }
                if (DECODE_UNDER_SESSION) {
                    pending.addAll(ExecutorSessions.with(key, open, loaded -> {
                        ModelShape s = ModelShape.of(loaded);
                        return rows(s, batch, loaded.session().predict(input(s, decoder, batch)));
                    }));
                    return true;
                }
                if (shape == null) {
                    shape = ExecutorSessions.with(key, open, ModelShape::of);
                }
                // Decoded and turned into rows outside the session: while this task decodes, another task of the
                // JVM runs its batch, so only the engine call itself is serialised.
                Tensor input = input(shape, decoder, batch);
                Tensor logits = ExecutorSessions.with(key, open, loaded -> loaded.session().predict(input));
                pending.addAll(rows(shape, batch, logits));
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.get(next++);
            }
        };
    }

    /** What a partition needs of the model outside its session: input channels, square size, class names. */
    private record ModelShape(int channels, int size, List<String> classNames) {
        static ModelShape of(LoadedModel loaded) {
            return new ModelShape(loaded.channels(), loaded.size(), loaded.classNames());
        }

        String className(int c) {
            return c < classNames.size() ? classNames.get(c) : Integer.toString(c);
        }
    }

    /** The batch's inputs as one {@code [n, channels, size, size]} tensor. */
    private Tensor input(ModelShape loaded, ImageDecoder decoder, List<Row> batch) {
        int sample = loaded.channels() * loaded.size() * loaded.size();
        float[] input = new float[batch.size() * sample];
        PixelFormat pixels = PixelFormat.forChannels(loaded.channels());
        for (int i = 0; i < batch.size(); i++) {
            Row row = batch.get(i);
            String name = pathIndex >= 0 ? row.getString(pathIndex) : "row with " + row;
            if (row.isNullAt(inputIndex)) {
                throw new Vgg4jException("input column '" + options.inputColumn() + "' is null in " + name);
            }
            if (binary) {
                DecodedImage image = decoder.decode((byte[]) row.get(inputIndex), name, pixels);
                (options.invert() ? image.inverted() : image).resized(loaded.size(), loaded.size()).toTensor()
                        .copyTo(input, i * sample);
            } else {
                List<Object> values = row.getList(inputIndex);
                if (values.size() != sample) {
                    throw new Vgg4jException("input column '" + options.inputColumn() + "' of " + name + " has "
                            + values.size() + " values; the model takes " + loaded.channels() + " x " + loaded.size()
                            + " x " + loaded.size() + " = " + sample);
                }
                for (int j = 0; j < sample; j++) {
                    input[i * sample + j] = ((Number) values.get(j)).floatValue();
                }
            }
        }
        return Tensor.wrap(Shape.of(batch.size(), loaded.channels(), loaded.size(), loaded.size()), input);
    }

    /** Each row of the batch without its input column, followed by its prediction from {@code logits}. */
    private List<Row> rows(ModelShape loaded, List<Row> batch, Tensor logits) {
        int classes = logits.shape().dim(1);
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            double[] p = Evaluator.softmax(logits, i, classes);
            int best = Evaluator.argMax(logits, i, classes);
            Object[] values = new Object[keptColumns.length + 4];
            for (int j = 0; j < keptColumns.length; j++) {
                values[j] = batch.get(i).get(keptColumns[j]);
            }
            values[keptColumns.length] = best;
            values[keptColumns.length + 1] = loaded.className(best);
            values[keptColumns.length + 2] = p[best];
            values[keptColumns.length + 3] = p;
            out.add(RowFactory.create(values));
        }
        return out;
    }
}
