package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction of the natives jar into the versioned cache, on a small stand-in jar with the real layout. */
class TfNativesTest {
    private static final String DIR = "org/tensorflow/internal/c_api/linux-x86_64/";

    @TempDir
    Path tmp;

    @Test
    void extractsOnlyTheLibrariesOnceIntoAVersionedDirectory() throws IOException {
        Path jar = tmp.resolve("tensorflow-core-native-9.9.9-linux-x86_64.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "META-INF/maven/org.tensorflow/tensorflow-core-native/pom.properties", "version=9.9.9\n");
            put(out, DIR + "libjnitensorflow.so", "jni");
            put(out, DIR + "libtensorflow_cc.so.2", "cc");
            put(out, DIR + "libtensorflow_framework.so.2", "framework");
            put(out, DIR + "LICENSE", "licence");
            put(out, DIR + "THIRD_PARTY_TF_JNI_LICENSES/x.txt", "x");
        }
        URL jni = new URL("jar:" + jar.toUri() + "!/" + DIR + "libjnitensorflow.so");
        Path root = tmp.resolve("cache");

        Path dir = TfNatives.extract(jni, "linux-x86_64", root);

        assertThat(dir).isEqualTo(root.resolve("9.9.9-linux-x86_64"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("libjnitensorflow.so",
                    "libtensorflow_cc.so.2", "libtensorflow_framework.so.2", ".complete");
        }
        assertThat(Files.readString(dir.resolve("libtensorflow_cc.so.2"))).isEqualTo("cc");
        try (var files = Files.list(root)) {
            assertThat(files).as("no temporary directory left behind").hasSize(1);
        }

        FileTime stamp = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(dir.resolve("libjnitensorflow.so"), stamp);
        assertThat(TfNatives.extract(jni, "linux-x86_64", root)).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("libjnitensorflow.so"))).as("not extracted again")
                .isEqualTo(stamp);
    }

    @Test
    void incompleteExtractionIsRedone() throws IOException {
        Path jar = tmp.resolve("natives.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "META-INF/maven/org.tensorflow/tensorflow-core-native/pom.properties", "version=1.2.3\n");
            put(out, DIR + "libjnitensorflow.so", "jni");
        }
        Path root = tmp.resolve("cache");
        Path stale = Files.createDirectories(root.resolve("1.2.3-linux-x86_64"));
        Files.writeString(stale.resolve("libjnitensorflow.so"), "trunc");
        URL jni = new URL("jar:" + jar.toUri() + "!/" + DIR + "libjnitensorflow.so");

        Path dir = TfNatives.extract(jni, "linux-x86_64", root);

        assertThat(Files.readString(dir.resolve("libjnitensorflow.so"))).isEqualTo("jni");
        assertThat(dir.resolve(".complete")).exists();
    }

    @Test
    void theRealNativesWereTakenFromTheConfiguredCacheNotJavacpp() {
        TfNatives.Location location = TfTesting.backend() != null ? TfNatives.prepare() : null;
        assertThat(location.directory().resolve(System.mapLibraryName("jnitensorflow"))).exists();
        assertThat(System.getProperty(TfNatives.LIBRARY_PATH)).isEqualTo(location.directory().toString());
        assertThat(System.getProperty("org.bytedeco.javacpp.pathsFirst")).isEqualTo("true");
    }

    private static void put(JarOutputStream out, String name, String content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
