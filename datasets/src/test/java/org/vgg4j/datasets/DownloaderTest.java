package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a loopback HTTP server serving small generated gzip IDX files. */
class DownloaderTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private Map<String, byte[]> files;
    private Path home;
    private final List<long[]> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        files = SmallData.files(12, 5, 6, 6, 3);
        files.forEach((name, bytes) -> served.put("/data/" + name + ".gz", IdxWriter.gzip(bytes)));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            byte[] body = served.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        home = Files.createDirectories(tmp.resolve("home"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private DatasetSpec spec(String... mirrorPaths) {
        List<URI> mirrors = Stream.of(mirrorPaths).map(this::base).toList();
        return SmallData.spec(files).withMirrors(mirrors);
    }

    private DataLocator locator(boolean allow) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Downloader downloader = new Downloader(client, Duration.ofSeconds(10),
                (url, soFar, total) -> progress.add(new long[] {soFar, total}));
        Map<String, String> env = new HashMap<>();
        return DataLocator.builder().environment(env::get).home(home).systemDirs(List.of())
                .allowDownload(allow).downloader(downloader).build();
    }

    private Path cache() {
        return home.resolve(".cache/vgg4j/small");
    }

    private static List<Path> contents(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void goodDownloadLandsVerifiedInTheUserCache() {
        DataLocation loc = locator(true).locate(spec("/data/"));

        assertThat(loc.origin()).isEqualTo(DataLocation.Origin.DOWNLOADED);
        assertThat(loc.dir()).isEqualTo(cache());
        assertThat(requests).containsExactlyInAnyOrder("/data/train-images-idx3-ubyte.gz",
                "/data/train-labels-idx1-ubyte.gz", "/data/t10k-images-idx3-ubyte.gz",
                "/data/t10k-labels-idx1-ubyte.gz");
        ImageDataset train = ImageDataset.load(loc, Split.TRAIN);
        assertThat(train.size()).isEqualTo(12);
        assertThat(train.rawImage(11)).isEqualTo(java.util.Arrays.copyOfRange(
                files.get("train-images-idx3-ubyte"), 16 + 11 * 36, 16 + 12 * 36));
        assertThat(ImageDataset.load(loc, Split.TEST).size()).isEqualTo(5);
        assertThat(cache().toFile().list()).containsExactlyInAnyOrder("train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        // progress reached each file's full size
        long fullImages = served.get("/data/train-images-idx3-ubyte.gz").length;
        assertThat(progress).anySatisfy(p -> assertThat(p).containsExactly(fullImages, fullImages));
    }

    @Test
    void secondCallReusesTheCacheWithoutAnyRequest() {
        DatasetSpec spec = spec("/data/");
        locator(true).locate(spec);
        int after = requests.size();
        assertThat(after).isEqualTo(4);

        DataLocation again = locator(true).locate(spec);
        assertThat(again.origin()).isEqualTo(DataLocation.Origin.USER_CACHE);
        assertThat(requests).hasSize(after);
    }

    @Test
    void checksumMismatchLeavesNothingBehind() throws IOException {
        byte[] tampered = files.get("t10k-images-idx3-ubyte").clone();
        tampered[tampered.length - 1] ^= 1;
        served.put("/data/t10k-images-idx3-ubyte.gz", IdxWriter.gzip(tampered));

        assertThatThrownBy(() -> locator(true).locate(spec("/data/")))
                .isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("Download failed")
                .hasMessageContaining("t10k-images-idx3-ubyte.gz: checksum mismatch")
                .hasMessageContaining(Checksums.sha256Hex(tampered))
                .hasMessageContaining("To get the data");
        assertThat(contents(cache())).isEmpty();
        assertThat(cache()).doesNotExist();
    }

    @Test
    void notFoundLeavesNothingBehindAndSaysWhatToDo() throws IOException {
        served.remove("/data/t10k-labels-idx1-ubyte.gz");

        assertThatThrownBy(() -> locator(true).locate(spec("/data/")))
                .isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("/data/t10k-labels-idx1-ubyte.gz: HTTP 404")
                .hasMessageContaining("retry the download")
                .hasMessageContaining("--data-dir DIR");
        assertThat(contents(cache())).isEmpty();
    }

    @Test
    void existingCacheDirectoryIsKeptButNothingIsAddedOnFailure() throws IOException {
        Files.createDirectories(cache());
        Files.writeString(cache().resolve("notes.txt"), "mine");
        served.remove("/data/train-images-idx3-ubyte.gz");

        assertThatThrownBy(() -> locator(true).locate(spec("/data/"))).isInstanceOf(DataNotFoundException.class);
        assertThat(contents(cache())).containsExactly(cache().resolve("notes.txt"));
    }

    @Test
    void nextMirrorIsTriedWhenOneFails() {
        DataLocation loc = locator(true).locate(spec("/missing/", "/data/"));
        assertThat(loc.origin()).isEqualTo(DataLocation.Origin.DOWNLOADED);
        assertThat(requests).contains("/missing/train-images-idx3-ubyte.gz", "/data/train-images-idx3-ubyte.gz");
    }

    @Test
    void onlyMissingFilesAreDownloaded() {
        SmallData.write(cache(), Map.of("train-images-idx3-ubyte", files.get("train-images-idx3-ubyte")), true);
        locator(true).locate(spec("/data/"));
        assertThat(requests).hasSize(3).doesNotContain("/data/train-images-idx3-ubyte.gz");
    }

    @Test
    void noRequestWhenDownloadIsNotAllowed() {
        assertThatThrownBy(() -> locator(false).locate(spec("/data/")))
                .isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("not allowed")
                .hasMessageContaining("allow the download");
        assertThat(requests).isEmpty();
    }
}
