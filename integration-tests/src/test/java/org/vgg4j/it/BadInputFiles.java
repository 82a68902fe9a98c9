package org.vgg4j.it;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.datasets.IdxWriter;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Writes the committed bad-input files: the CLI corpus of {@link BadInputCorpusTest}
 * ({@code integration-tests/src/test/resources/bad-inputs/}) and the seed corpora of the fuzz targets (each
 * {@code *FuzzTestInputs/} directory). Every file is made deterministically from the code below, so running it again
 * reproduces the committed bytes; cases are added here and, for the CLI corpus, one line in {@code cases.tsv}.
 *
 * <p>{@link BadInputFilesTest} checks that the committed files are exactly what this writes; to write them after a
 * change: {@code mvn -B -pl integration-tests -am verify -Dtest=BadInputFilesTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dvgg4j.writeBadInputs=true}.
 */
public final class BadInputFiles {
    /** The run configuration every corpus checkpoint records: a valid narrow VGG-11 at 32x32. */
    static final Map<String, String> CONFIG = config();
    private static final String CREATED = "2026-01-01T00:00:00Z";

    private final Path root;

    private BadInputFiles(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        writeAll(Path.of(args.length > 0 ? args[0] : "."));
    }

    /** Writes every file under {@code root}, a repository root (or an empty directory standing for one). */
    static void writeAll(Path root) throws IOException {
        BadInputFiles f = new BadInputFiles(root);
        f.checkpoints();
        f.idx();
        f.onnx();
        f.image();
        f.run();
        f.manifestSeeds();
    }

    // ---- safetensors and checkpoint manifests ------------------------------------------------------------------

    private void checkpoints() throws IOException {
        Path dir = cli("checkpoints");
        Path optim = dir.resolve("ok.optim.safetensors");
        SafeTensors.write(optim, Parameters.of(Map.of()), Map.of("step", "0"));
        Map<String, byte[]> weights = new LinkedHashMap<>();
        String w = "vgg_block_1.0.weight";
        weights.put("dim-4294967306", safetensors("{\"" + w + "\":{\"dtype\":\"F32\",\"shape\":[4294967306],"
                + "\"data_offsets\":[0,40]}}", 40));
        weights.put("shape-2e30x2e30x4", safetensors("{\"" + w + "\":{\"dtype\":\"F32\","
                + "\"shape\":[1073741824,1073741824,4],\"data_offsets\":[0,0]}}", 0));
        weights.put("negative-dim", safetensors("{\"" + w + "\":{\"dtype\":\"F32\",\"shape\":[-9],"
                + "\"data_offsets\":[0,36]}}", 36));
        weights.put("header-length-past-end", concat(le(1L << 40), "{}".getBytes(StandardCharsets.UTF_8)));
        weights.put("header-not-json", safetensors("{\"" + w + "\": this is not JSON}", 36));
        weights.put("offsets-past-end", safetensors("{\"" + w + "\":{\"dtype\":\"F32\",\"shape\":[1,1,3,3],"
                + "\"data_offsets\":[0,36]}}", 20));
        weights.put("overlap", safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24));
        weights.put("hole", safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", 24));
        weights.put("unknown-dtype", safetensors("{\"" + w + "\":{\"dtype\":\"F7\",\"shape\":[1,1,3,3],"
                + "\"data_offsets\":[0,36]}}", 36));
        weights.put("size-not-shape", safetensors("{\"" + w + "\":{\"dtype\":\"F32\",\"shape\":[1,1,3,3],"
                + "\"data_offsets\":[0,32]}}", 32));
        weights.put("duplicate-name", safetensors("{\"" + w + "\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[0,4]},\"" + w + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        weights.put("trailing-garbage", safetensors("{\"" + w + "\":{\"dtype\":\"F32\",\"shape\":[1,1,3,3],"
                + "\"data_offsets\":[0,36]}}", 52));
        weights.put("metadata-not-string", safetensors("{\"__metadata__\":{\"step\":7},\"" + w + "\":{\"dtype\":"
                + "\"F32\",\"shape\":[1,1,3,3],\"data_offsets\":[0,36]}}", 36));
        weights.put("nan-weight", floats(w, Shape.of(1, 1, 3, 3), 4, Float.NaN));
        weights.put("inf-weight", floats(w, Shape.of(1, 1, 3, 3), 8, Float.NEGATIVE_INFINITY));
        Path seeds = fuzzInputs("core", "org/vgg4j/core/param/SafeTensorsFuzzTestInputs",
                "readEitherSucceedsOrThrowsTheDocumentedException");
        for (var e : weights.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".safetensors");
            Files.write(file, e.getValue());
            Files.writeString(dir.resolve(e.getKey() + ".json"), manifest(CONFIG, file.getFileName().toString(),
                    CheckpointStore.sha256(file), optim));
            Files.write(seeds.resolve(e.getKey()), e.getValue());
        }
        Files.write(seeds.resolve("valid"), floats(w, Shape.of(1, 1, 3, 3), -1, 0));
        Files.write(seeds.resolve("valid-metadata-two-tensors"), safetensors("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\","
                + "\"shape\":[],\"data_offsets\":[16,20]}}", 20));

        // Manifests broken in their JSON or their fields; the weights they name are valid but irrelevant.
        Path okWeights = dir.resolve("ok.safetensors");
        SafeTensors.write(okWeights, Parameters.of(Map.of(w, Tensor.zeros(Shape.of(1, 1, 3, 3)))), Map.of());
        String ok = manifest(CONFIG, "ok.safetensors", CheckpointStore.sha256(okWeights), optim);
        Map<String, String> manifests = new LinkedHashMap<>();
        manifests.put("manifest-not-json", "{\"formatVersion\" : 1, \"config\" : { oops");
        manifests.put("manifest-null", "null");
        manifests.put("manifest-wrong-type", ok.replace("\"epoch\" : 1,", "\"epoch\" : \"one\","));
        manifests.put("manifest-missing-field", ok.replace("\"optimizerFile\" : \"ok.optim.safetensors\",\n", ""));
        manifests.put("manifest-path-traversal", ok.replace("\"parametersFile\" : \"ok.safetensors\"",
                "\"parametersFile\" : \"../../../../etc/passwd\""));
        manifests.put("manifest-bad-config", ok.replace("\"ratio\" : \"64\"", "\"ratio\" : \"eight\""));
        manifests.put("manifest-missing-weights", ok.replace("\"parametersFile\" : \"ok.safetensors\"",
                "\"parametersFile\" : \"gone.safetensors\""));
        manifests.put("manifest-trailing-content", ok + "{\"formatVersion\" : 1}\n");
        for (var e : manifests.entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".json"), e.getValue());
        }
    }

    /**
     * {@code valid-run}: a valid run (a narrow VGG-11, ratio 64, at 32x32, format-2 checkpoint) for the cases that
     * need a model (bad images for predict, options that contradict it on resume), with a stray
     * {@code checkpoints/notes.json} beside its checkpoint, which once made every run unloadable (Jackson
     * "Unrecognized field").
     */
    private void run() throws IOException {
        Path checkpoints = cli("valid-run/checkpoints");
        VggConfig vgg = VggConfig.d2l(VggVariant.VGG11).withRatio(64).withImageSize(32);
        RunConfig ref = RunConfig.reference();
        RunConfig config = new RunConfig(vgg.toModelConfig(), ref.data(), ref.optimizer(), ref.training());
        Path json = new CheckpointStore(checkpoints).save("epoch-001", new Checkpoint(config, "pytorch",
                TrainingPosition.startOf(1), List.of(), Parameters.initialize(Vgg.build(vgg),
                        Initializer.TORCHVISION_VGG, 42), OptimizerState.initial()));
        Files.writeString(json, Files.readString(json)
                .replaceFirst("\"createdAt\" : \"[^\"]*\"", "\"createdAt\" : \"" + CREATED + "\""));
        Files.writeString(checkpoints.resolve("notes.json"), "{\"note\": \"lr 1e-3 looked best\"}\n");
    }

    /** The seeds of the manifest fuzz target: they name the fixed tensor files its fixture writes. */
    private void manifestSeeds() throws IOException {
        Path tmp = Files.createTempDirectory("manifest-seeds");
        Parameters w = Parameters.of(Map.of("w", Tensor.of(Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6})));
        // The same checkpoint as CheckpointManifestFuzzTest's fixture.
        new CheckpointStore(tmp).save("epoch-001", new Checkpoint(RunConfig.reference(), "reference",
                TrainingPosition.startOf(1), List.of(new EpochMetrics(1, 0.5, 0.75, 0.5, 0.75, 1.5, 8)), w,
                new OptimizerState(3, Map.of("exp_avg", w))));
        String valid = Files.readString(tmp.resolve("epoch-001.json"))
                .replaceFirst("\"createdAt\" : \"[^\"]*\"", "\"createdAt\" : \"" + CREATED + "\"");
        Path seeds = fuzzInputs("core", "org/vgg4j/core/train/CheckpointManifestFuzzTestInputs",
                "loadEitherSucceedsOrThrowsTheDocumentedException");
        Files.writeString(seeds.resolve("valid"), valid);
        Files.writeString(seeds.resolve("valid-compact"), valid.replaceAll("\\s+", ""));
        Files.writeString(seeds.resolve("json-null"), "null");
        Files.writeString(seeds.resolve("wrong-type"), valid.replace("\"epoch\" : 1,", "\"epoch\" : \"one\","));
        Files.writeString(seeds.resolve("negative-position"), valid.replace("\"batch\" : 0,", "\"batch\" : -3,"));
        Files.writeString(seeds.resolve("optimizer-as-weights"), valid.replace("\"epoch-001.optim.safetensors\"",
                "\"epoch-001.safetensors\""));
        for (Path p : List.of(tmp.resolve("epoch-001.json"), tmp.resolve("epoch-001.safetensors"),
                tmp.resolve("epoch-001.optim.safetensors"), tmp)) {
            Files.delete(p);
        }
    }

    private static String manifest(Map<String, String> config, String weights, String weightsSha, Path optim) {
        StringBuilder c = new StringBuilder();
        config.forEach((k, v) -> c.append(c.length() == 0 ? "" : ",\n").append("    \"").append(k).append("\" : \"")
                .append(v).append('"'));
        return "{\n  \"formatVersion\" : 1,\n  \"createdAt\" : \"" + CREATED + "\",\n  \"config\" : {\n" + c
                + "\n  },\n  \"backend\" : \"pytorch\",\n  \"position\" : {\n    \"epoch\" : 1,\n    \"batch\" : 0,\n"
                + "    \"lossSum\" : 0.0,\n    \"correct\" : 0,\n    \"seen\" : 0,\n    \"elapsedSeconds\" : 0.0\n  },\n"
                + "  \"history\" : [ ],\n  \"parametersFile\" : \"" + weights + "\",\n  \"parametersSha256\" : \""
                + weightsSha + "\",\n  \"optimizerFile\" : \"" + optim.getFileName() + "\",\n"
                + "  \"optimizerSha256\" : \"" + CheckpointStore.sha256(optim) + "\",\n  \"optimizerStep\" : 0\n}\n";
    }

    private static Map<String, String> config() {
        Map<String, String> m = new java.util.TreeMap<>();
        m.putAll(Map.of("model", "vgg11", "ratio", "64", "image_size", "32", "hidden", "4096", "dropout", "0.5",
                "in_channels", "1", "classes", "10", "dataset", "fashion-mnist", "batch_size", "32", "epochs", "1"));
        m.putAll(Map.of("seed", "42", "init", "torchvision", "optimizer", "adam", "lr", "0.001", "momentum", "0.9",
                "weight_decay", "0.0", "train_limit", "64", "test_limit", "64"));
        return m;
    }

    /** A safetensors file: the header (padded with spaces to 8 bytes) and {@code dataBytes} of 0.25f values. */
    private static byte[] safetensors(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        byte[] hp = Arrays.copyOf(h, padded);
        Arrays.fill(hp, h.length, padded, (byte) ' ');
        ByteBuffer data = ByteBuffer.allocate(dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        while (data.remaining() >= 4) {
            data.putFloat(0.25f);
        }
        return concat(le(padded), hp, data.array());
    }

    /** A one-tensor float32 file of 0.25f values with {@code bad} at index {@code at} (none if negative). */
    private static byte[] floats(String name, Shape shape, int at, float bad) {
        float[] v = new float[(int) shape.elementCount()];
        Arrays.fill(v, 0.25f);
        if (at >= 0) {
            v[at] = bad;
        }
        try {
            Path tmp = Files.createTempFile("floats", ".safetensors");
            SafeTensors.write(tmp, Parameters.of(Map.of(name, Tensor.of(shape, v))), Map.of());
            byte[] bytes = Files.readAllBytes(tmp);
            Files.delete(tmp);
            return bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- IDX -------------------------------------------------------------------------------------------------

    private void idx() throws IOException {
        byte[] images = IdxWriter.imageBytes(2, 28, 28, pattern(2 * 28 * 28));
        byte[] labels = IdxWriter.labelBytes(new byte[] {3, 7});
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("truncated-raw", Arrays.copyOf(images, images.length - 100));
        bad.put("truncated-gzip.gz", Arrays.copyOf(IdxWriter.gzip(images), IdxWriter.gzip(images).length / 2));
        bad.put("header-cut-raw", Arrays.copyOf(images, 10));
        bad.put("wrong-magic-raw", labels);
        bad.put("overflowing-dims-raw", ByteBuffer.allocate(16).putInt(2051).putInt(1 << 22).putInt(1 << 21)
                .putInt(1 << 21).array());
        bad.put("overflowing-dims-gzip.gz", IdxWriter.gzip(ByteBuffer.allocate(16).putInt(2051).putInt(1 << 22)
                .putInt(1 << 21).putInt(1 << 21).array()));
        byte[] garbage = IdxWriter.gzip(images);
        Arrays.fill(garbage, 10, garbage.length - 8, (byte) 0x5a);
        bad.put("gzip-garbage.gz", garbage);
        bad.put("gzip-magic-then-text.gz", "\u001f\u008bnot gzip at all".getBytes(StandardCharsets.ISO_8859_1));
        bad.put("trailing-bytes-raw", Arrays.copyOf(images, images.length + 5));
        Path valid = cli("idx/valid");
        Files.write(valid.resolve("train-images-idx3-ubyte"), images);
        Files.write(valid.resolve("train-labels-idx1-ubyte"), labels);
        Files.write(valid.resolve("t10k-images-idx3-ubyte"), images);
        Files.write(valid.resolve("t10k-labels-idx1-ubyte"), labels);
        Path rawSeeds = fuzzInputs("datasets", "org/vgg4j/datasets/IdxRawFuzzTestInputs",
                "readEitherSucceedsOrThrowsTheDocumentedException");
        Path gzSeeds = fuzzInputs("datasets", "org/vgg4j/datasets/IdxGzipFuzzTestInputs",
                "gzippedContentEitherReadsBackOrThrowsTheDocumentedException");
        for (var e : bad.entrySet()) {
            String name = e.getKey();
            boolean gz = name.endsWith(".gz");
            Path dir = cli("idx/" + name.replace(".gz", ""));
            Files.write(dir.resolve("train-images-idx3-ubyte" + (gz ? ".gz" : "")), e.getValue());
            Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
            Files.write(dir.resolve("t10k-images-idx3-ubyte"), images);
            Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels);
            Files.write(rawSeeds.resolve(name.replace(".gz", "")), e.getValue());
        }
        Files.write(rawSeeds.resolve("valid-images-raw"), IdxWriter.imageBytes(2, 3, 3, pattern(18)));
        Files.write(rawSeeds.resolve("valid-labels-raw"), labels);
        Files.write(rawSeeds.resolve("valid-images-gzip"), IdxWriter.gzip(IdxWriter.imageBytes(2, 3, 3, pattern(18))));
        // FuzzedDataProvider layout: the content, then (read from the end) flip byte, flip position, cut position.
        byte[] intact = new byte[9];
        byte[] cutAt20 = ByteBuffer.allocate(9).put((byte) 0).putInt(0).putInt(20).array();
        byte[] flipAt12 = ByteBuffer.allocate(9).put((byte) 0x40).putInt(12).putInt(0).array();
        byte[] small = IdxWriter.imageBytes(2, 3, 3, pattern(18));
        Files.write(gzSeeds.resolve("images-intact"), concat(small, intact));
        Files.write(gzSeeds.resolve("labels-intact"), concat(labels, intact));
        Files.write(gzSeeds.resolve("images-cut"), concat(small, cutAt20));
        Files.write(gzSeeds.resolve("images-flipped"), concat(small, flipAt12));
        Files.write(gzSeeds.resolve("overflowing-dims"), concat(bad.get("overflowing-dims-raw"), intact));
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37);
        }
        return b;
    }

    // ---- ONNX ------------------------------------------------------------------------------------------------

    /** A tiny image classifier on 1x8x8: what the ONNX cases are edited from (1.5 KB). */
    static Network tinyNetwork() {
        return new Network("tiny", new Sequential(List.of(new Sequential.Child("conv", new Conv2d(1, 2, 3, 1, 1)),
                new Sequential.Child("relu", new Relu()), new Sequential.Child("pool", new MaxPool2d(2, 2)),
                new Sequential.Child("flatten", new Flatten()), new Sequential.Child("fc", new Linear(32, 10)))),
                Shape.of(1, 8, 8));
    }

    private void onnx() throws IOException {
        Network net = tinyNetwork();
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 7);
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(OnnxExporter.export(net, params,
                ExportMetadata.forNetwork(net)));
        Map<String, byte[]> cases = new LinkedHashMap<>();
        // [N, 784] -> 1 logit: a valid model (3 KB) whose input is not an image batch.
        Network mlp = new Network("mlp", Sequential.of(new Linear(784, 1)), Shape.of(784));
        cases.put("rank2-input", OnnxExporter.export(mlp, Parameters.initialize(mlp, Initializer.PYTORCH_DEFAULT, 1),
                ExportMetadata.forNetwork(mlp)));
        cases.put("unknown-op", edit(model, g -> g.getNodeBuilder(1).setOpType("Softplus")));
        cases.put("missing-initializer", edit(model, g -> g.getNodeBuilder(0).setInput(1, "conv.weight.missing")));
        cases.put("attribute-wrong-type", edit(model, g -> attribute(g.getNodeBuilder(0), "strides")
                .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(1f)));
        cases.put("stride-zero", edit(model, g -> attribute(g.getNodeBuilder(2), "strides").setInts(0, 0)
                .setInts(1, 0)));
        cases.put("weight-announces-4gib", edit(model, g -> g.getInitializerBuilder(0).clearDims().addDims(1 << 20)
                .addDims(1 << 10)));
        cases.put("input-dim-2e40", edit(model, g -> g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                .getShapeBuilder().getDimBuilder(2).setDimValue(1L << 40)));
        cases.put("node-without-output", edit(model, g -> g.getNodeBuilder(1).clearOutput()));
        cases.put("duplicate-initializer", edit(model, g -> g.addInitializer(g.getInitializer(0))));
        OnnxMl.ModelProto.Builder nan = model.toBuilder().clearMetadataProps();
        ByteBuffer raw = ByteBuffer.wrap(nan.getGraph().getInitializer(0).getRawData().toByteArray())
                .order(ByteOrder.LITTLE_ENDIAN);
        raw.putFloat(4, Float.NaN);
        nan.getGraphBuilder().getInitializerBuilder(0).setRawData(ByteString.copyFrom(raw.array()));
        cases.put("nan-weight", nan.build().toByteArray());
        cases.put("not-onnx", "this is a text file, not an ONNX model\n".getBytes(StandardCharsets.UTF_8));
        byte[] full = model.toByteArray();
        cases.put("truncated", Arrays.copyOf(full, full.length / 2));
        Path dir = cli("onnx");
        Path seeds = fuzzInputs("backend-onnx", "org/vgg4j/backend/onnx/OnnxImportFuzzTestInputs",
                "parseEitherGivesARunnableModelOrThrowsTheDocumentedException");
        for (var e : cases.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".onnx"), e.getValue());
            Files.write(seeds.resolve(e.getKey()), e.getValue());
        }
        Files.write(seeds.resolve("valid-vgg4j-export"), full);
        Files.write(seeds.resolve("valid-without-metadata"), model.toBuilder().clearMetadataProps().build()
                .toByteArray());
    }

    private static byte[] edit(OnnxMl.ModelProto model, Consumer<OnnxMl.GraphProto.Builder> change) {
        OnnxMl.ModelProto.Builder m = model.toBuilder();
        change.accept(m.getGraphBuilder());
        return m.build().toByteArray();
    }

    private static OnnxMl.AttributeProto.Builder attribute(OnnxMl.NodeProto.Builder node, String name) {
        return node.getAttributeBuilderList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    /** An 8x8 grey PNG for the commands that need an image besides the bad input. */
    private void image() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 64; i++) {
            img.getRaster().setSample(i % 8, i / 8, 0, i * 4);
        }
        ImageIO.write(img, "png", cli("").resolve("ok.png").toFile());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private Path cli(String sub) throws IOException {
        Path dir = root.resolve("integration-tests/src/test/resources/bad-inputs").resolve(sub);
        Files.createDirectories(dir);
        return dir;
    }

    private Path fuzzInputs(String module, String inputs, String method) throws IOException {
        Path dir = root.resolve(module).resolve("src/test/resources").resolve(inputs).resolve(method);
        Files.createDirectories(dir);
        return dir;
    }

    private static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
