package org.vgg4j.backend.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.onnx.ParameterDigest;

/**
 * Times export, reading and opening of the full-size d2l VGG-11 (128.8 M parameters, a 515 MB file), to show what the
 * largest model of the project costs. Not a test: run by hand (see the module README); argument: a scratch directory
 * (default: the system temporary directory); the file is deleted afterwards.
 */
public final class OnnxLargeModelTiming {
    private static long start;

    private OnnxLargeModelTiming() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        Path file = Files.createTempFile(dir, "vgg11-full", ".onnx");
        try {
            Network network = Vgg.vgg11();
            Parameters params = Parameters.initialize(network, Initializer.PYTORCH_DEFAULT, 0);
            System.out.printf("%s: %d parameters%n", network.name(), network.parameterCount());
            start = System.nanoTime();
            ParameterDigest.sha256(params);
            lap("parameter digest");
            OnnxExporter.write(file, network, params, ExportMetadata.forNetwork(network));
            lap("export to file (" + Files.size(file) / 1_000_000 + " MB)");
            OnnxModelInfo.read(file);
            lap("OnnxModelInfo.read");
            OnnxModelFile model = OnnxModelFile.load(file);
            lap("OnnxModelFile.load (parse, rebuild, digest check)");
            try (OnnxSession session = new OnnxBackend().open(model, Device.cpu())) {
                lap("ONNX Runtime session");
                session.predict(TestData.images(Shape.of(1, 1, 224, 224), 1));
                lap("first predict, batch 1");
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("heap in use at the end: %d MB of max %d MB%n",
                    (rt.totalMemory() - rt.freeMemory()) / 1_000_000, rt.maxMemory() / 1_000_000);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void lap(String what) {
        long now = System.nanoTime();
        System.out.printf("%-52s %6.2f s%n", what, (now - start) / 1e9);
        start = now;
    }
}
