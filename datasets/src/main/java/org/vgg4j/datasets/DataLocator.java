package org.vgg4j.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a data set's files, trying in order: an explicit directory ({@code --data-dir}), else the directory named by
 * the environment variable {@code VGG4J_DATA}; the user cache {@code $XDG_CACHE_HOME/vgg4j/<name>} (default
 * {@code ~/.cache/vgg4j/<name>}); the system package directory (Debian's {@code /usr/share/datasets/fashion-mnist});
 * then, only when allowed, a download from the upstream mirrors into the user cache. When nothing works it throws one
 * {@link DataNotFoundException} listing every place tried and how to get the data.
 *
 * <p>An explicit directory or {@code VGG4J_DATA} is taken as the user's intent: if it lacks the files that is an error,
 * not a reason to look elsewhere. A directory qualifies when it holds all four files, each as {@code name.gz} or raw
 * {@code name}, either directly or in a sub-directory named after the data set. Checksums are verified when the files
 * are read (on by default; {@link Builder#verifyChecksums(boolean)} turns it off for custom data sets). Instances are
 * immutable and thread-safe.
 */
public final class DataLocator {
    private static final Logger LOG = LoggerFactory.getLogger(DataLocator.class);

    /** The environment variable naming a data directory. */
    public static final String ENV_DATA_DIR = "VGG4J_DATA";

    private final Path explicitDir;
    private final Function<String, String> env;
    private final Path home;
    private final List<Path> systemDirsOverride;
    private final boolean allowDownload;
    private final Downloader downloader;
    private final boolean verifyChecksums;
    private final String dataDirHint;
    private final String downloadHint;
    private final String noVerifyHint;

    private DataLocator(Builder b) {
        this.explicitDir = b.explicitDir;
        this.env = b.env;
        this.home = b.home;
        this.systemDirsOverride = b.systemDirs;
        this.allowDownload = b.allowDownload;
        this.downloader = b.downloader;
        this.verifyChecksums = b.verifyChecksums;
        this.dataDirHint = b.dataDirHint;
        this.downloadHint = b.downloadHint;
        this.noVerifyHint = b.noVerifyHint;
    }

    /**
     * A builder with the defaults: real environment and home, no explicit directory, no download, verification on.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The user cache directory of a data set: {@code $XDG_CACHE_HOME/vgg4j/<name>} or {@code ~/.cache/vgg4j/<name>}.
     *
     * @param spec the data set; its {@link DatasetSpec#name()} is the last path element
     * @return the directory (not created); {@code XDG_CACHE_HOME} is used only when set to an absolute path
     */
    public Path cacheDir(DatasetSpec spec) {
        String xdg = env.apply("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return base.resolve("vgg4j").resolve(spec.name());
    }

    /**
     * Finds the data set, downloading it when that is allowed and needed.
     *
     * @param spec the data set to find; not null
     * @return where its files are: the explicit directory, else {@code VGG4J_DATA}, the user cache, a system package
     *         directory, or a download into the user cache, tried in that order
     * @throws DataNotFoundException listing every place tried when the data set is nowhere and cannot be downloaded
     */
    public DataLocation locate(DatasetSpec spec) {
        Objects.requireNonNull(spec, "spec");
        List<String> looked = new ArrayList<>();
        if (explicitDir != null) {
            return explicit(spec, explicitDir, DataLocation.Origin.EXPLICIT_DIR, dataDirHint.replace("DIR", "")
                    .trim() + " " + explicitDir);
        }
        String envDir = env.apply(ENV_DATA_DIR);
        if (envDir != null && !envDir.isBlank()) {
            return explicit(spec, Path.of(envDir), DataLocation.Origin.ENVIRONMENT, ENV_DATA_DIR + "=" + envDir);
        }
        looked.add("environment variable " + ENV_DATA_DIR + ": not set");

        Path cache = cacheDir(spec);
        DataLocation found = tryDir(spec, cache, DataLocation.Origin.USER_CACHE, looked, false);
        if (found != null) {
            return found;
        }
        List<Path> systemDirs = systemDirsOverride != null ? systemDirsOverride : spec.systemDirs();
        for (Path dir : systemDirs) {
            found = tryDir(spec, dir, DataLocation.Origin.SYSTEM_PACKAGE, looked, false);
            if (found != null) {
                return found;
            }
        }
        if (systemDirs.isEmpty()) {
            looked.add("system package directory: none known for " + spec.displayName());
        }
        String downloadFailure = null;
        if (spec.mirrors().isEmpty()) {
            looked.add("download: " + spec.displayName() + " has no download location");
        } else if (!allowDownload) {
            looked.add("download from " + spec.mirrors().get(0) + ": not allowed");
        } else {
            Map<String, Path> present = filesIn(spec, cache);
            List<String> missing = new ArrayList<>();
            for (String name : spec.fileNames()) {
                if (!present.containsKey(name)) {
                    missing.add(name);
                }
            }
            LOG.info("{} not found locally; downloading {} file(s) into {}", spec.displayName(), missing.size(),
                    cache);
            try {
                Downloader d = downloader != null ? downloader : Downloader.create(DownloadListener.logging());
                d.download(spec, missing, cache);
                Map<String, Path> files = filesIn(spec, cache);
                return new DataLocation(spec, cache, DataLocation.Origin.DOWNLOADED, files, verifyChecksums);
            } catch (DownloadException e) {
                downloadFailure = e.getMessage();
                looked.add("download into " + cache + ": failed (below)");
            }
        }
        throw new DataNotFoundException(notFoundMessage(spec, looked, downloadFailure));
    }

    private DataLocation explicit(DatasetSpec spec, Path dir, DataLocation.Origin origin, String how) {
        List<String> looked = new ArrayList<>();
        DataLocation found = tryDir(spec, dir, origin, looked, true);
        if (found != null) {
            return found;
        }
        StringBuilder msg = new StringBuilder(spec.displayName()).append(" not found where ").append(how)
                .append(" points:\n");
        for (String l : looked) {
            msg.append("  - ").append(l).append('\n');
        }
        msg.append("That directory must hold the files ").append(fileList(spec))
                .append(" (each gzip-compressed as NAME.gz or raw), directly or in a sub-directory '")
                .append(spec.name()).append("'. Fix the path, or leave it unset to use the user cache")
                .append(spec.systemPackage() != null ? ", the system package" : "").append(" or a download.");
        throw new DataNotFoundException(msg.toString());
    }

    /** Checks {@code dir} and {@code dir/<name>}; returns a location or null, adding what it saw to {@code looked}. */
    private DataLocation tryDir(DatasetSpec spec, Path dir, DataLocation.Origin origin, List<String> looked,
                                boolean withSubDir) {
        List<Path> candidates = withSubDir ? List.of(dir, dir.resolve(spec.name())) : List.of(dir);
        for (Path d : candidates) {
            String label = origin.description() + " " + d;
            if (!Files.isDirectory(d)) {
                looked.add(label + ": " + (Files.exists(d) ? "not a directory" : "does not exist"));
                continue;
            }
            Map<String, Path> files = filesIn(spec, d);
            if (files.size() == spec.fileNames().size()) {
                DataLocation loc = new DataLocation(spec, d, origin, files, verifyChecksums);
                LOG.debug("found {}", loc);
                return loc;
            }
            List<String> missing = new ArrayList<>(spec.fileNames());
            missing.removeAll(files.keySet());
            looked.add(label + ": " + (files.isEmpty() ? "none of the files" : "missing " + String.join(", ",
                    missing)));
        }
        return null;
    }

    /** The files of {@code spec} present in {@code dir}, raw name preferred over {@code name.gz}. */
    static Map<String, Path> filesIn(DatasetSpec spec, Path dir) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String name : spec.fileNames()) {
            Path raw = dir.resolve(name);
            Path gz = dir.resolve(name + ".gz");
            if (Files.isRegularFile(raw)) {
                files.put(name, raw);
            } else if (Files.isRegularFile(gz)) {
                files.put(name, gz);
            }
        }
        return files;
    }

    private String notFoundMessage(DatasetSpec spec, List<String> looked, String downloadFailure) {
        StringBuilder msg = new StringBuilder(spec.displayName()).append(" data not found. Looked in:\n");
        for (String l : looked) {
            msg.append("  - ").append(l).append('\n');
        }
        if (downloadFailure != null) {
            msg.append("Download failed: ").append(downloadFailure).append('\n');
        }
        msg.append("To get the data, do one of:\n");
        if (spec.systemPackage() != null) {
            msg.append("  - install the Debian/Ubuntu package: sudo apt-get install ").append(spec.systemPackage());
            if (!spec.systemDirs().isEmpty()) {
                msg.append("   (installs ").append(spec.systemDirs().get(0)).append(')');
            }
            msg.append('\n');
        }
        msg.append("  - put the files ").append(fileList(spec))
                .append(" (gzip as NAME.gz, or raw) in a directory and pass ").append(dataDirHint)
                .append(" or set ").append(ENV_DATA_DIR).append("=DIR\n");
        if (!spec.mirrors().isEmpty()) {
            msg.append("  - ").append(allowDownload ? "retry the download" : "allow the download (" + downloadHint
                    + ")").append(": fetches ").append(spec.mirrors().get(0)).append("*.gz into ")
                    .append(cacheDir(spec)).append('\n');
        }
        if (!spec.hasChecksums()) {
            msg.append("(custom data sets are read without checksum verification; ").append(noVerifyHint)
                    .append(")\n");
        }
        return msg.toString().stripTrailing();
    }

    private static String fileList(DatasetSpec spec) {
        return String.join(", ", spec.fileNames());
    }

    /** Configures a {@link DataLocator}. */
    public static final class Builder {
        private Path explicitDir;
        private Function<String, String> env = System::getenv;
        private Path home = Path.of(System.getProperty("user.home"));
        private List<Path> systemDirs;
        private boolean allowDownload;
        private Downloader downloader;
        private boolean verifyChecksums = true;
        private String dataDirHint = "--data-dir DIR";
        private String downloadHint = "vgg4j: --download";
        private String noVerifyHint = "vgg4j: --no-verify";

        private Builder() {
        }

        /**
         * The directory given explicitly ({@code --data-dir}); null for none. It wins over everything else.
         *
         * @param dir the data directory, or null to search
         * @return this builder
         */
        public Builder dataDir(Path dir) {
            this.explicitDir = dir;
            return this;
        }

        /**
         * Where environment variables come from ({@code VGG4J_DATA}, {@code XDG_CACHE_HOME}); for tests.
         *
         * @param environment maps a variable name to its value, or to null when unset; not null
         * @return this builder
         */
        public Builder environment(Function<String, String> environment) {
            this.env = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * The user's home directory (default: {@code user.home}); for tests.
         *
         * @param homeDir the directory whose {@code .cache} holds the user cache; not null
         * @return this builder
         */
        public Builder home(Path homeDir) {
            this.home = Objects.requireNonNull(homeDir, "homeDir");
            return this;
        }

        /**
         * System package directories to try instead of the data set's own; for tests.
         *
         * @param dirs the directories, tried in order (copied); empty tries none
         * @return this builder
         */
        public Builder systemDirs(List<Path> dirs) {
            this.systemDirs = List.copyOf(dirs);
            return this;
        }

        /**
         * Whether the data may be downloaded into the user cache when not found locally (default false).
         *
         * @param allow true to allow the download
         * @return this builder
         */
        public Builder allowDownload(boolean allow) {
            this.allowDownload = allow;
            return this;
        }

        /**
         * The downloader to use (default: {@link Downloader#create} logging progress through SLF4J).
         *
         * @param d the downloader; not null
         * @return this builder
         */
        public Builder downloader(Downloader d) {
            this.downloader = Objects.requireNonNull(d, "downloader");
            return this;
        }

        /**
         * Whether reading verifies each file's SHA-256 (default true). Turn off only for custom data sets in the
         * same format; downloads are always verified against the published checksums.
         *
         * @param verify false to read files without checking their SHA-256
         * @return this builder
         */
        public Builder verifyChecksums(boolean verify) {
            this.verifyChecksums = verify;
            return this;
        }

        /**
         * The wording of the hints in error messages: how to name a directory (default {@code --data-dir DIR}), how to
         * allow the download (default {@code vgg4j: --download}) and how to skip verification (default
         * {@code vgg4j: --no-verify}).
         *
         * @param dataDir  how a user names a data directory, e.g. {@code --data-dir DIR}; not null
         * @param download how a user allows the download; not null
         * @param noVerify how a user skips verification; not null
         * @return this builder
         */
        public Builder hints(String dataDir, String download, String noVerify) {
            this.dataDirHint = Objects.requireNonNull(dataDir);
            this.downloadHint = Objects.requireNonNull(download);
            this.noVerifyHint = Objects.requireNonNull(noVerify);
            return this;
        }

        /**
         * The locator configured so far.
         *
         * @return a new locator; later changes to this builder do not affect it
         */
        public DataLocator build() {
            return new DataLocator(this);
        }
    }
}
