package org.vgg4j.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times ONNX files on bare ONNX Runtime sessions (configured like {@code OrtRuntime}: all graph optimizations,
 * sequential, 2 intra-op threads unless {@code --threads}), alternating the files round by round, so that variants of
 * one model (hand-edited graphs that vgg4j's reader need not understand) compare under the same load; prints each
 * file's median and fastest ms per batch.
 *
 * <p>Not a test: run it by hand. Arguments: {@code FILE...} then optionally {@code --batch N} (64),
 * {@code --iterations N} per round (3), {@code --rounds N} (6), {@code --warmup N} (2), {@code --threads N} (2),
 * {@code --config KEY=VALUE} (a session config entry for every file, repeatable), {@code --profile PREFIX} (ONNX
 * Runtime's profiler, one JSON per file), {@code --optimized DIR} (ONNX Runtime's optimized graph of each file), {@code --direct} (the input in a direct buffer, as vgg4j's sessions pass it).
 */
public final class OrtFileTiming {
    private OrtFileTiming() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the files to time, then options
     * @throws OrtException if ONNX Runtime fails
     */
    public static void main(String[] args) throws OrtException {
        List<String> files = new ArrayList<>();
        List<String[]> config = new ArrayList<>();
        int batch = 64;
        int iterations = 3;
        int rounds = 6;
        int warmup = 2;
        int threads = 2;
        String profile = null;
        String optimized = null;
        boolean direct = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--config" -> config.add(args[++i].split("=", 2));
                case "--profile" -> profile = args[++i];
                case "--optimized" -> optimized = args[++i];
                case "--direct" -> direct = true;
                default -> files.add(args[i]);
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OrtSession> sessions = new ArrayList<>();
        List<OnnxTensor> inputs = new ArrayList<>();
        double[][] ms = new double[files.size()][rounds * iterations];
        try {
            for (int f = 0; f < files.size(); f++) {
                try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                    so.setIntraOpNumThreads(threads);
                    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                    for (String[] kv : config) {
                        so.addConfigEntry(kv[0], kv[1]);
                    }
                    String base = Path.of(files.get(f)).getFileName().toString().replace(".onnx", "");
                    if (profile != null) {
                        so.enableProfiling(profile + base);
                    }
                    if (optimized != null) {
                        so.setOptimizedModelFilePath(Path.of(optimized, base + ".opt.onnx").toString());
                    }
                    OrtSession s = env.createSession(files.get(f), so);
                    sessions.add(s);
                    long[] shape = ((TensorInfo) s.getInputInfo().values().iterator().next().getInfo()).getShape();
                    shape[0] = batch;
                    int n = 1;
                    for (long d : shape) {
                        n *= (int) d;
                    }
                    float[] data = new float[n];
                    Random r = new Random(1);
                    for (int i = 0; i < n; i++) {
                        data[i] = r.nextFloat();
                    }
                    FloatBuffer buffer = FloatBuffer.wrap(data);
                    if (direct) {
                        buffer = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder())
                                .asFloatBuffer().put(data);
                        buffer.rewind();
                    }
                    inputs.add(OnnxTensor.createTensor(env, buffer, shape));
                }
            }
            for (int f = 0; f < files.size(); f++) {
                for (int i = 0; i < warmup; i++) {
                    run(sessions.get(f), inputs.get(f));
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int f = 0; f < files.size(); f++) {
                    for (int i = 0; i < iterations; i++) {
                        long t0 = System.nanoTime();
                        run(sessions.get(f), inputs.get(f));
                        ms[f][r * iterations + i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            if (profile != null) {
                for (OrtSession s : sessions) {
                    System.out.println("profile: " + s.endProfiling());
                }
            }
        } finally {
            for (OnnxTensor t : inputs) {
                t.close();
            }
            for (OrtSession s : sessions) {
                s.close();
            }
        }
        System.out.printf("batch %d, %d rounds x %d iterations (alternating), %d warm-up, %d threads%n", batch, rounds,
                iterations, warmup, threads);
        for (int f = 0; f < files.size(); f++) {
            double[] sorted = ms[f].clone();
            Arrays.sort(sorted);
            System.out.printf("%s: median %.1f ms/batch (min %.1f, max %.1f)%n", files.get(f),
                    sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
        }
    }

    private static void run(OrtSession s, OnnxTensor input) throws OrtException {
        String name = s.getInputNames().iterator().next();
        try (OrtSession.Result r = s.run(Map.of(name, input))) {
            r.get(0);
        }
    }
}
