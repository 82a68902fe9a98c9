package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();
    private Map<String, byte[]> files;
    private DatasetSpec spec;
    private Path home;
    private Path system;

    @BeforeEach
    void setUp() throws IOException {
        files = SmallData.files(6, 3, 4, 4, 1);
        spec = SmallData.spec(files);
        home = Files.createDirectories(tmp.resolve("home"));
        system = tmp.resolve("usr-share");
    }

    private DataLocator.Builder locator() {
        return DataLocator.builder().environment(env::get).home(home).systemDirs(List.of(system));
    }

    private Path filled(String name, boolean gzip) {
        Path dir = tmp.resolve(name);
        SmallData.write(dir, files, gzip);
        return dir;
    }

    @Test
    void explicitDirectoryComesFirst() {
        Path explicit = filled("explicit", false);
        env.put("VGG4J_DATA", filled("env", true).toString());
        SmallData.write(home.resolve(".cache/vgg4j/small"), files, true);
        SmallData.write(system, files, true);

        DataLocation loc = locator().dataDir(explicit).build().locate(spec);
        assertThat(loc.dir()).isEqualTo(explicit);
        assertThat(loc.origin()).isEqualTo(DataLocation.Origin.EXPLICIT_DIR);
        assertThat(loc.images(Split.TRAIN)).isEqualTo(explicit.resolve("train-images-idx3-ubyte"));
        assertThat(ImageDataset.load(loc, Split.TRAIN).size()).isEqualTo(6);
    }

    @Test
    void environmentVariableComesNext() {
        Path fromEnv = filled("env", true);
        env.put("VGG4J_DATA", fromEnv.toString());
        SmallData.write(home.resolve(".cache/vgg4j/small"), files, true);
        SmallData.write(system, files, true);

        DataLocation loc = locator().build().locate(spec);
        assertThat(loc.origin()).isEqualTo(DataLocation.Origin.ENVIRONMENT);
        assertThat(loc.dir()).isEqualTo(fromEnv);
        assertThat(loc.labels(Split.TEST)).isEqualTo(fromEnv.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    @Test
    void explicitDirectoryMayHoldTheDataSetInASubDirectory() {
        Path parent = tmp.resolve("data");
        SmallData.write(parent.resolve("small"), files, true);
        DataLocation loc = locator().dataDir(parent).build().locate(spec);
        assertThat(loc.dir()).isEqualTo(parent.resolve("small"));
    }

    @Test
    void userCacheComesBeforeTheSystemPackage() {
        Path cache = home.resolve(".cache/vgg4j/small");
        SmallData.write(cache, files, true);
        SmallData.write(system, files, true);

        DataLocation loc = locator().build().locate(spec);
        assertThat(loc.origin()).isEqualTo(DataLocation.Origin.USER_CACHE);
        assertThat(loc.dir()).isEqualTo(cache);
    }

    @Test
    void xdgCacheHomeIsRespected() {
        Path xdg = tmp.resolve("xdg");
        env.put("XDG_CACHE_HOME", xdg.toString());
        SmallData.write(xdg.resolve("vgg4j/small"), files, true);
        SmallData.write(home.resolve(".cache/vgg4j/small"), files, true);

        DataLocator locator = locator().build();
        assertThat(locator.cacheDir(spec)).isEqualTo(xdg.resolve("vgg4j/small"));
        assertThat(locator.locate(spec).dir()).isEqualTo(xdg.resolve("vgg4j/small"));
        env.put("XDG_CACHE_HOME", "relative/path"); // not absolute: ignored, as the XDG spec says
        assertThat(locator.cacheDir(spec)).isEqualTo(home.resolve(".cache/vgg4j/small"));
    }

    @Test
    void systemPackageDirectoryIsUsedLast() {
        SmallData.write(system, files, true);
        DataLocation loc = locator().build().locate(spec);
        assertThat(loc.origin()).isEqualTo(DataLocation.Origin.SYSTEM_PACKAGE);
        assertThat(loc.dir()).isEqualTo(system);
        assertThat(loc.verifyChecksums()).isTrue();
    }

    @Test
    void incompleteDirectoriesAreSkipped() throws IOException {
        Path cache = home.resolve(".cache/vgg4j/small");
        SmallData.write(cache, files, true);
        Files.delete(cache.resolve("t10k-labels-idx1-ubyte.gz"));
        SmallData.write(system, files, false);

        assertThat(locator().build().locate(spec).dir()).isEqualTo(system);
    }

    @Test
    void explicitDirectoryWithoutTheFilesIsAnErrorNotAFallback() {
        SmallData.write(system, files, true);
        Path empty = tmp.resolve("empty");
        assertThatThrownBy(() -> locator().dataDir(empty).build().locate(spec))
                .isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("Small not found where --data-dir " + empty + " points")
                .hasMessageContaining(empty + ": does not exist")
                .hasMessageContaining("train-images-idx3-ubyte, train-labels-idx1-ubyte");

        env.put("VGG4J_DATA", system.resolve("nothing-here").toString());
        assertThatThrownBy(() -> locator().build().locate(spec))
                .isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("VGG4J_DATA=" + system.resolve("nothing-here"));
    }

    @Test
    void nothingFoundListsWhereItLookedAndHowToGetTheData() throws IOException {
        Path cache = home.resolve(".cache/vgg4j/fashion-mnist");
        Files.createDirectories(cache);
        Files.writeString(cache.resolve("train-images-idx3-ubyte.gz"), "partial");
        DataLocator locator = locator().build();

        assertThatThrownBy(() -> locator.locate(FashionMnist.SPEC))
                .isInstanceOf(DataNotFoundException.class)
                .hasMessageStartingWith("Fashion-MNIST data not found. Looked in:")
                .hasMessageContaining("environment variable VGG4J_DATA: not set")
                .hasMessageContaining("user cache " + cache + ": missing train-labels-idx1-ubyte, "
                        + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte")
                .hasMessageContaining("system package directory " + system + ": does not exist")
                .hasMessageContaining("download from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/: "
                        + "not allowed")
                .hasMessageContaining("sudo apt-get install dataset-fashion-mnist")
                .hasMessageContaining("pass --data-dir DIR or set VGG4J_DATA=DIR")
                .hasMessageContaining("allow the download (vgg4j: --download)");
    }

    @Test
    void hintsCanBeWordedForTheCaller() {
        DataLocator locator = locator().hints("--data DIR", "--fetch", "--trust-me").build();
        assertThatThrownBy(() -> locator.locate(FashionMnist.SPEC))
                .hasMessageContaining("pass --data DIR")
                .hasMessageContaining("allow the download (--fetch)");
    }

    @Test
    void checksumOptOutReachesTheLocationAndTheReader() {
        Map<String, byte[]> other = SmallData.files(6, 3, 4, 4, 99);
        SmallData.write(system, other, true); // same format, different content: a custom data set
        DataLocation verified = locator().build().locate(spec);
        assertThatThrownBy(() -> ImageDataset.load(verified, Split.TRAIN))
                .isInstanceOf(ChecksumMismatchException.class);

        DataLocation unverified = locator().verifyChecksums(false).build().locate(spec);
        assertThat(unverified.verifyChecksums()).isFalse();
        assertThat(ImageDataset.load(unverified, Split.TRAIN).rawImage(0))
                .isEqualTo(java.util.Arrays.copyOfRange(other.get("train-images-idx3-ubyte"), 16, 32));
    }

    @Test
    void realSpecsDescribeTheirFiles() {
        assertThat(FashionMnist.SPEC.fileNames()).containsExactly("train-images-idx3-ubyte",
                "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        assertThat(FashionMnist.SPEC.classNames()).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
        assertThat(Mnist.SPEC.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        for (DatasetSpec s : List.of(FashionMnist.SPEC, Mnist.SPEC)) {
            for (String f : s.fileNames()) {
                assertThat(s.sha256Of(f)).as(s.name() + " " + f).matches("[0-9a-f]{64}");
            }
        }
        assertThat(Mnist.SPEC.mirrors().get(0).toString()).isEqualTo("https://ossci-datasets.s3.amazonaws.com/mnist/");
        assertThat(DatasetSpec.named("Fashion_MNIST")).isSameAs(FashionMnist.SPEC);
        assertThat(DatasetSpec.named("mnist")).isSameAs(Mnist.SPEC);
        assertThatThrownBy(() -> DatasetSpec.named("cifar10")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known: fashion-mnist, mnist");
        assertThat(DataLocation.Origin.values()).extracting(Enum::name).containsExactly("EXPLICIT_DIR",
                "ENVIRONMENT", "USER_CACHE", "SYSTEM_PACKAGE", "DOWNLOADED");
    }
}
