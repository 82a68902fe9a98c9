package org.vgg4j.datasets.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.testing.Python;

/**
 * The transforms against torchvision 0.14's functional API on PIL images ({@code F.pad} + {@code F.crop},
 * {@code F.hflip}, {@code F.resized_crop} bilinear, {@code F.normalize}, each followed by {@code F.to_tensor}), for
 * the crop windows, flips and boxes vgg4j itself draws: crops, flips and normalisation must be equal to the bit; a
 * resized crop within one 8-bit level of the PIL path (vgg4j resizes the floats, PIL rounds to 8 bits after each
 * pass) and within float rounding of the tensor path ({@code antialias=True}, which filters floats as vgg4j does); the
 * centre-crop fallback of {@code RandomResizedCrop.get_params} must give the same box.
 */
class TorchvisionTransformsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Optional<Python> python;
    private static final Map<String, Image> IMAGES = new LinkedHashMap<>();
    private static final List<Case> CASES = new ArrayList<>();
    private static JsonNode results;

    @TempDir
    static Path dir;

    /** One case: what vgg4j computed, and the JSON torchvision reads. */
    private record Case(String kind, String label, Object expected, ObjectNode spec) {
    }

    @BeforeAll
    static void runTorchvision() throws Exception {
        python = Python.withModules("torchvision, PIL, numpy");
        if (python.isEmpty()) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode images = root.putArray("images");
        ArrayNode cases = root.putArray("cases");
        SplittableRandom pixels = new SplittableRandom(11);
        int[][] sizes = {{28, 28, 1}, {13, 17, 3}, {32, 32, 3}, {64, 48, 1}, {9, 40, 3}};
        for (int[] s : sizes) {
            String name = s[0] + "x" + s[1] + "x" + s[2];
            byte[] hwc = new byte[s[0] * s[1] * s[2]];
            for (int i = 0; i < hwc.length; i++) {
                hwc[i] = (byte) pixels.nextInt(256);
            }
            Files.write(dir.resolve(name + ".u8"), hwc);
            images.addObject().put("name", name).put("file", name + ".u8").put("h", s[0]).put("w", s[1])
                    .put("c", s[2]);
            IMAGES.put(name, Image.ofInterleaved(s[2], s[0], s[1], hwc));
        }
        SplittableRandom draws = new SplittableRandom(5);
        for (Map.Entry<String, Image> e : IMAGES.entrySet()) {
            Image img = e.getValue();
            int side = Math.min(img.height(), img.width());
            for (int padding : new int[] {0, 2, 4}) {
                for (int size : new int[] {side, Math.max(1, side / 2)}) {
                    RandomCrop crop = new RandomCrop(size, padding);
                    int maxTop = img.height() + 2 * padding - size;
                    int maxLeft = img.width() + 2 * padding - size;
                    List<int[]> windows = new ArrayList<>(List.of(new int[] {0, 0}, new int[] {maxTop, maxLeft}));
                    for (int k = 0; k < 3; k++) {
                        windows.add(new int[] {draws.nextInt(maxTop + 1), draws.nextInt(maxLeft + 1)});
                    }
                    for (int[] w : windows) {
                        add("crop", e.getKey() + " pad " + padding + " size " + size + " at " + w[0] + "," + w[1],
                                crop.cropAt(img, w[0], w[1]).values(), cases.addObject().put("op", "crop")
                                        .put("image", e.getKey()).put("padding", padding).put("size", size)
                                        .put("top", w[0]).put("left", w[1]));
                    }
                }
            }
            add("hflip", e.getKey(), RandomHorizontalFlip.flip(img).values(),
                    cases.addObject().put("op", "hflip").put("image", e.getKey()));
            for (int size : new int[] {16, 32, 224}) {
                RandomResizedCrop rrc = RandomResizedCrop.of(size);
                List<CropBox> boxes = new ArrayList<>(List.of(new CropBox(0, 0, img.height(), img.width()),
                        new CropBox(1, 2, Math.min(3, img.height() - 1), Math.min(2, img.width() - 2))));
                for (int k = 0; k < 3; k++) {
                    boxes.add(rrc.box(img.height(), img.width(), draws));
                }
                for (CropBox b : boxes) {
                    add("resized_crop", e.getKey() + " " + b + " -> " + size, rrc.resizedCrop(img, b).values(),
                            cases.addObject().put("op", "resized_crop").put("image", e.getKey())
                                    .put("top", b.top()).put("left", b.left()).put("height", b.height())
                                    .put("width", b.width()).put("size", size));
                }
            }
            List<Double> mean = img.channels() == 3 ? List.of(0.485, 0.456, 0.406) : List.of(0.2860);
            List<Double> std = img.channels() == 3 ? List.of(0.229, 0.224, 0.225) : List.of(0.3530);
            ObjectNode n = cases.addObject().put("op", "normalize").put("image", e.getKey());
            mean.forEach(n.putArray("mean")::add);
            std.forEach(n.putArray("std")::add);
            add("normalize", e.getKey(), new Normalize(mean, std).apply(img, null).values(), n);
        }
        for (int[] hw : new int[][] {{10, 100}, {100, 10}, {50, 50}, {28, 28}, {7, 31}, {31, 7}, {224, 225}}) {
            for (double[] ratio : new double[][] {{3.0 / 4, 4.0 / 3}, {0.5, 2.0}, {1.0, 1.0}, {1.5, 3.0}}) {
                RandomResizedCrop rrc = new RandomResizedCrop(8, 0.08, 1.0, ratio[0], ratio[1]);
                ObjectNode n = cases.addObject().put("op", "fallback").put("h", hw[0]).put("w", hw[1]);
                n.putArray("ratio").add(ratio[0]).add(ratio[1]);
                add("fallback", hw[0] + "x" + hw[1] + " ratio " + ratio[0] + ".." + ratio[1],
                        rrc.centreBox(hw[0], hw[1]), n);
            }
        }
        Files.writeString(dir.resolve("cases.json"), JSON.writeValueAsString(root));
        Path script = Path.of("src/test/resources/torchvision/transforms_reference.py").toAbsolutePath();
        Python.Run run = python.get().script(script, dir.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        results = JSON.readTree(dir.resolve("results.json").toFile());
        assertThat(results.get("results")).hasSize(CASES.size());
    }

    private static void add(String kind, String label, Object expected, ObjectNode spec) {
        CASES.add(new Case(kind, label, expected, spec));
    }

    private static float[] values(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    private static int checked(String kind) {
        int n = 0;
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            if (!c.kind().equals(kind)) {
                continue;
            }
            float[] mine = (float[]) c.expected();
            float[] theirs = values(results.get("results").get(i).get("values"));
            assertThat(mine).as("%s %s", kind, c.label()).containsExactly(theirs);
            n++;
        }
        return n;
    }

    @Test
    void paddedCropsEqualTorchvisionsPadAndCrop() {
        assumeTrue(python.isPresent(), "python3 with torchvision is not installed");
        assertThat(checked("crop")).isEqualTo(5 * 3 * 2 * 5);
    }

    @Test
    void flipsEqualTorchvisionsHflip() {
        assumeTrue(python.isPresent(), "python3 with torchvision is not installed");
        assertThat(checked("hflip")).isEqualTo(5);
    }

    @Test
    void normalizeEqualsTorchvisionsInFloat32() {
        assumeTrue(python.isPresent(), "python3 with torchvision is not installed");
        assertThat(checked("normalize")).isEqualTo(5);
    }

    @Test
    void resizedCropsAgreeWithTorchvisionOnPilImagesWithinOneLevel() {
        assumeTrue(python.isPresent(), "python3 with torchvision is not installed");
        double worstPil = 0;
        double worstTensor = 0;
        double sumPil = 0;
        long n = 0;
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            if (!c.kind().equals("resized_crop")) {
                continue;
            }
            float[] mine = (float[]) c.expected();
            float[] pil = values(results.get("results").get(i).get("values"));
            float[] tensor = values(results.get("results").get(i).get("tensor"));
            assertThat(mine).as(c.label()).hasSameSizeAs(pil);
            for (int k = 0; k < mine.length; k++) {
                double d = Math.abs(mine[k] - pil[k]);
                assertThat(d).as("%s value %d: vgg4j %s, PIL %s", c.label(), k, mine[k], pil[k])
                        .isLessThanOrEqualTo(1.0 / 255 + 1e-6);
                worstPil = Math.max(worstPil, d);
                sumPil += d;
                worstTensor = Math.max(worstTensor, Math.abs(mine[k] - tensor[k]));
                n++;
            }
        }
        assertThat(n).isPositive();
        // torchvision's tensor path filters in float as vgg4j does, so it agrees to float rounding.
        assertThat(worstTensor).as("worst difference to the tensor path").isLessThan(2e-5);
        System.out.printf(Locale.ROOT, "resized crop vs torchvision %s: PIL bilinear worst %.3f levels, mean %.4f "
                + "levels over %d values; tensor bilinear antialias=True worst %.3f levels%n",
                results.get("torchvision").asText(), worstPil * 255, sumPil * 255 / n, n, worstTensor * 255);
    }

    @Test
    void theCentreCropFallbackIsTorchvisionsBox() {
        assumeTrue(python.isPresent(), "python3 with torchvision is not installed");
        int n = 0;
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            if (!c.kind().equals("fallback")) {
                continue;
            }
            CropBox b = (CropBox) c.expected();
            JsonNode box = results.get("results").get(i).get("box");
            assertThat(new int[] {b.top(), b.left(), b.height(), b.width()}).as(c.label())
                    .containsExactly(box.get(0).asInt(), box.get(1).asInt(), box.get(2).asInt(), box.get(3).asInt());
            n++;
        }
        assertThat(n).isEqualTo(28);
    }
}
