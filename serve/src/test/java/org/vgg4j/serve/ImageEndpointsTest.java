package org.vgg4j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.train.Evaluator;

/**
 * The image endpoints against Pillow: {@code POST /preprocess/{m}} returns exactly the pixels Pillow computes for the
 * same file ({@code convert('L')}, optionally inverted, bilinear resize to 32x32), and {@code POST /predictions/{m}}
 * returns the top-k of the model's own session on exactly those pixels / 255, whether the image comes as the raw body
 * or as a multipart file part, grey or colour. Skipped, with the reason, where python3 has no PIL.
 */
class ImageEndpointsTest {
    private static ModelServer server;
    private static Http http;
    private static Session reference;
    private static Python python;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = ModelServer.start(List.of(TestModels.served("fashion", 4)), ServeOptions.defaults(0));
        http = new Http(server.uri());
        reference = TestModels.reference(4);
        python = Python.withModules("PIL").orElse(null);
    }

    @AfterAll
    static void stop() {
        server.close();
        reference.close();
    }

    private int[] pillow(Path image, boolean invert) throws IOException, URISyntaxException {
        assumeTrue(python != null, "python3 with PIL is not installed (apt-get install python3-pil); CI installs it");
        Path script = Path.of(ImageEndpointsTest.class.getResource("/pil/model_view.py").toURI());
        Python.Run run = python.script(script, image.toString(), "32", invert ? "1" : "0");
        assertThat(run.exitCode()).as(run.output()).isZero();
        return Arrays.stream(run.output().trim().split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static int[] pixels(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    private static byte[] rgbPng(int w, int h, long seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setPixel(x, y, new int[] {r.nextInt(256), r.nextInt(256), r.nextInt(256)});
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void theModelsViewOfAGreyImageIsPillowsExactly() throws Exception {
        byte[] png = TestImages.greyPng(28, 28, 21);
        Path file = write("grey.png", png);
        Http.Response seen = http.post("preprocess/fashion", "image/png", png);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.contentType()).isEqualTo("image/png");
        assertThat(pixels(seen.bytes())).containsExactly(pillow(file, false));
        Http.Response inverted = http.post("preprocess/fashion?invert=true", "image/png", png);
        assertThat(pixels(inverted.bytes())).containsExactly(pillow(file, true));
    }

    @Test
    void aColourImageIsConvertedToGreyAsPillowDoes() throws Exception {
        byte[] png = rgbPng(40, 30, 22);
        Path file = write("colour.png", png);
        assertThat(pixels(http.post("preprocess/fashion", "image/png", png).bytes()))
                .containsExactly(pillow(file, false));
    }

    @Test
    void predictionsAreTheTopKOfTheSessionOnPillowsPixels() throws Exception {
        byte[] png = TestImages.greyPng(28, 28, 23);
        int[] view = pillow(write("p.png", png), false);
        float[] input = new float[view.length];
        for (int i = 0; i < view.length; i++) {
            input[i] = view[i] / 255f;
        }
        double[] p = Evaluator.softmax(reference.predict(Tensor.wrap(Shape.of(1, 1, 32, 32), input)), 0, 10);
        Integer[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));

        Http.Response raw = http.post("predictions/fashion?topk=3", "image/png", png);
        assertThat(raw.status()).as(raw.body()).isEqualTo(200);
        JsonNode top = Json.parse(raw);
        assertThat(top).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(top.get(i).get("class").asText()).isEqualTo(TestModels.classes().get(order[i]));
            assertThat(top.get(i).get("probability").asDouble()).isEqualTo(p[order[i]]);
        }
        assertThat(Json.parse(http.post("predictions/fashion", "image/png", png))).hasSize(5);
        assertThat(http.post("predictions/fashion/1?topk=3", "application/octet-stream", png).body())
                .isEqualTo(raw.body());

        String boundary = "vgg4jBoundary";
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"p.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        form.write(png);
        form.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        Http.Response multipart = http.post("predictions/fashion?topk=3", "multipart/form-data; boundary=" + boundary,
                form.toByteArray());
        assertThat(multipart.status()).as(multipart.body()).isEqualTo(200);
        assertThat(multipart.body()).isEqualTo(raw.body());
    }

}
