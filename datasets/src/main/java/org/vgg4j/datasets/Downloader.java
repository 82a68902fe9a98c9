package org.vgg4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads the gzip files of a data set from its mirrors into a directory, all or nothing: every file is streamed
 * to a hidden temporary file, its decompressed SHA-256 checked against the published one, and only when every file
 * is good are they renamed into place; on any failure every temporary file (and a directory this call created) is
 * removed, so a failed or corrupt download leaves nothing behind.
 */
public final class Downloader {
    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);

    private final HttpClient client;
    private final Duration requestTimeout;
    private final DownloadListener listener;

    /**
     * A downloader.
     *
     * @param client         the HTTP client (redirects should be followed)
     * @param requestTimeout how long to wait for a response's headers
     * @param listener       progress receiver
     */
    public Downloader(HttpClient client, Duration requestTimeout, DownloadListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * A downloader with a default client (30 s connect timeout, redirects followed) reporting to {@code listener}.
     *
     * @param listener progress receiver; not null (use {@link DownloadListener#none()} for none)
     * @return a downloader waiting up to 60 s for each response's headers
     */
    public static Downloader create(DownloadListener listener) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return new Downloader(client, Duration.ofSeconds(60), listener);
    }

    /**
     * Downloads files of {@code spec} into {@code dir} as {@code <name>.gz}, trying the spec's mirrors in order for
     * each file.
     *
     * @param spec      the data set whose mirrors and checksums are used
     * @param fileNames the files to fetch (names without {@code .gz})
     * @param dir       the directory to write into; created if missing
     * @return the path of each downloaded file by name
     * @throws DownloadException when a file cannot be fetched from any mirror or fails its checksum; nothing is left
     *                           in {@code dir} then
     */
    public Map<String, Path> download(DatasetSpec spec, List<String> fileNames, Path dir) {
        if (spec.mirrors().isEmpty()) {
            throw new DownloadException(spec.displayName() + " has no download location");
        }
        boolean createdDir = !Files.isDirectory(dir);
        Map<String, Path> staged = new LinkedHashMap<>();
        Map<String, Path> done = new LinkedHashMap<>();
        boolean ok = false;
        try {
            Files.createDirectories(dir);
            for (String name : fileNames) {
                staged.put(name, fetchOne(spec, name, dir));
            }
            for (Map.Entry<String, Path> e : staged.entrySet()) {
                Path target = dir.resolve(e.getKey() + ".gz");
                move(e.getValue(), target);
                done.put(e.getKey(), target);
            }
            ok = true;
            LOG.info("downloaded {} file(s) of {} into {}", done.size(), spec.displayName(), dir);
            return done;
        } catch (IOException e) {
            throw new DownloadException("cannot download " + spec.displayName() + " into " + dir + ": " + e, e);
        } finally {
            if (!ok) {
                staged.values().forEach(Downloader::deleteQuietly);
                done.values().forEach(Downloader::deleteQuietly);
                if (createdDir) {
                    deleteQuietly(dir);
                }
            }
        }
    }

    /** Fetches one file into a temporary file in {@code dir}, trying each mirror; returns the verified temp file. */
    private Path fetchOne(DatasetSpec spec, String name, Path dir) throws IOException {
        List<String> failures = new ArrayList<>();
        for (URI base : spec.mirrors()) {
            URI url = base.resolve(name + ".gz");
            Path tmp = Files.createTempFile(dir, "." + name + ".gz.", ".part");
            boolean keep = false;
            try {
                String problem = fetchTo(url, tmp);
                if (problem == null) {
                    problem = check(spec, name, url, tmp);
                }
                if (problem == null) {
                    keep = true;
                    return tmp;
                }
                LOG.warn("{}", problem);
                failures.add(problem);
            } finally {
                if (!keep) {
                    deleteQuietly(tmp);
                }
            }
        }
        throw new DownloadException("cannot download " + name + ".gz of " + spec.displayName() + ":\n  - "
                + String.join("\n  - ", failures));
    }

    /** Streams {@code url} into {@code tmp}; returns null on success, else what went wrong. */
    private String fetchTo(URI url, Path tmp) throws IOException {
        LOG.info("downloading {}", url);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("download of " + url + " interrupted", e);
        } catch (IOException e) {
            return url + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                in.readAllBytes();
                return url + ": HTTP " + response.statusCode();
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
            long soFar = 0;
            listener.progress(url, 0, total);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new DownloadException("download of " + url + " interrupted");
                    }
                    out.write(buf, 0, n);
                    soFar += n;
                    listener.progress(url, soFar, total);
                }
            }
            if (total >= 0 && soFar != total) {
                return url + ": connection closed after " + soFar + " of " + total + " bytes";
            }
            return null;
        } catch (IOException e) {
            return url + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Checks a downloaded file's decompressed SHA-256; returns null when good, else what is wrong. */
    private static String check(DatasetSpec spec, String name, URI url, Path tmp) {
        String expected = spec.sha256Of(name);
        String actual;
        try {
            actual = Checksums.sha256OfContent(tmp);
        } catch (IOException e) {
            return url + ": the downloaded file is not valid gzip data (" + e.getMessage() + ")";
        }
        if (expected != null && !Checksums.same(expected, actual)) {
            return url + ": checksum mismatch: SHA-256 of the decompressed download is " + actual + ", expected "
                    + expected;
        }
        return null;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", p, e.toString());
        }
    }
}
