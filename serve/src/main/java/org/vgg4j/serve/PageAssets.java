package org.vgg4j.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The drop-an-image page, served from the jar: its HTML, script and style sheet, read once. The page loads nothing
 * from anywhere else (no CDN, no web fonts).
 */
final class PageAssets {
    /** A file of the page: its bytes and content type. */
    record Asset(byte[] bytes, String contentType) {
    }

    private static final String BASE = "/org/vgg4j/serve/page/";
    private final Map<String, Asset> assets = new LinkedHashMap<>();

    PageAssets() {
        add("/", "index.html", "text/html; charset=utf-8");
        add("/page.js", "page.js", "text/javascript; charset=utf-8");
        add("/page.css", "page.css", "text/css; charset=utf-8");
    }

    /** The URL paths of the page's files. */
    Iterable<String> paths() {
        return assets.keySet();
    }

    /** The file at {@code path}. */
    Optional<Asset> get(String path) {
        return Optional.ofNullable(assets.get(path));
    }

    private void add(String path, String file, String type) {
        try (InputStream in = PageAssets.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException("the page resource " + BASE + file + " is missing from the jar");
            }
            assets.put(path, new Asset(in.readAllBytes(), type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
