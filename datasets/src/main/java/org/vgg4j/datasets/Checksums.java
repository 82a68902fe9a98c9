package org.vgg4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 helpers: data files are identified by the digest of their decompressed bytes, because the same data is
 * shipped with different gzip headers (the Debian package's {@code .gz} files differ from upstream's).
 */
public final class Checksums {
    private Checksums() {
    }

    /**
     * A fresh SHA-256 digest.
     *
     * @return a new digest, not shared with any other caller
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Lowercase hex of a digest.
     *
     * @param digest the digest bytes, e.g. from {@link MessageDigest#digest()}
     * @return two lowercase hexadecimal characters per byte
     */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /**
     * SHA-256 of {@code data}, lowercase hex.
     *
     * @param data the bytes to hash
     * @return 64 lowercase hexadecimal characters
     */
    public static String sha256Hex(byte[] data) {
        return hex(sha256().digest(data));
    }

    /**
     * SHA-256 of a file's content after gzip decompression when the file is gzip (detected by magic bytes).
     *
     * @param file the file to hash, gzip or raw
     * @return 64 lowercase hexadecimal characters
     * @throws IOException if the file cannot be read or its gzip data is damaged
     */
    public static String sha256OfContent(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = IdxReader.open(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return hex(md.digest());
    }

    /**
     * Whether two hex digests are equal, ignoring case.
     *
     * @param a a hex digest; not null
     * @param b another hex digest; not null
     * @return true when they are the same hex string apart from letter case
     */
    public static boolean same(String a, String b) {
        return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
