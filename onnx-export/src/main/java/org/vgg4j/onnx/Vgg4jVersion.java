package org.vgg4j.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The vgg4j version this module was built as (from a resource filtered by Maven), written into exported models.
 */
final class Vgg4jVersion {
    private static final String VERSION = load();

    private Vgg4jVersion() {
    }

    /** The version, or {@code unknown} when the build did not record one. */
    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Vgg4jVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
