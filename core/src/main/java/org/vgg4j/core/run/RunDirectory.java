package org.vgg4j.core.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.train.CheckpointStore;

/**
 * A training run's output directory, checked, locked and cleaned before the run reads any data, and held until the
 * run ends. {@link #prepare} refuses a directory that is a file, lies under a file, cannot be created, cannot be
 * written (a probe file is created and removed, so a read-only file system is found even by root), or whose file
 * system has less free space than the run needs; then it takes an exclusive OS lock on {@value #LOCK_FILE}, so a
 * second run into the same directory fails at once with {@link RunDirectoryInUseException}; then it removes what
 * interrupted runs left behind: hidden temporary files of vgg4j's atomic writes ({@code .NAME.<digits>.tmp}) and
 * checkpoint tensor files without their manifest. Only files named as vgg4j names them are removed; anything else in
 * the directory is left alone. {@link #close} releases the lock and removes the directories this start created if
 * nothing was written into them, so a run that fails to start leaves nothing behind; a directory that holds a run
 * keeps its (unlocked) lock file.
 *
 * <p>The layout: {@value #CHECKPOINTS}/ (see {@link CheckpointStore}), {@value #METRICS}, {@value #PLOT}.
 */
public final class RunDirectory implements AutoCloseable {
    /** Sub-directory of the checkpoints. */
    public static final String CHECKPOINTS = "checkpoints";
    /** Per-epoch metrics. */
    public static final String METRICS = "metrics.csv";
    /** The training plot. */
    public static final String PLOT = "training.png";
    /** The lock file. */
    public static final String LOCK_FILE = ".vgg4j.lock";
    private static final String PROBE = "vgg4j-probe";
    /** The fixed temporary name of the plot before it was written atomically like everything else. */
    private static final String OLD_PLOT_TEMPORARY = ".training.png.tmp.png";
    private static final Set<String> RUN_FILES = Set.of(METRICS, PLOT, PROBE);

    private final Path path;
    private final List<Path> created;
    private final RunLock lock;
    private final List<String> removed;
    private boolean closed;

    private RunDirectory(Path path, List<Path> created, RunLock lock, List<String> removed) {
        this.path = path;
        this.created = created;
        this.lock = lock;
        this.removed = List.copyOf(removed);
    }

    /**
     * Checks, creates, locks and cleans the run directory {@code dir}.
     *
     * @param dir               the run directory (created with its parents if missing)
     * @param requiredFreeBytes bytes the run will write at least (e.g. two checkpoints)
     * @param requiredFor       what those bytes are for, for the error message ("2 checkpoints of 1.2 MB")
     * @param freeSpace         how to learn the free space
     * @return the prepared, locked directory; {@link #close()} releases it
     * @throws RunDirectoryInUseException if another run holds it
     * @throws RunDirectoryException      for every other reason it cannot be used
     */
    public static RunDirectory prepare(Path dir, long requiredFreeBytes, String requiredFor, FreeSpace freeSpace) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> created = check(abs);
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new RunDirectoryException("cannot create run directory " + abs + ": " + reason(e), e);
        }
        try {
            probeWritable(abs, "run directory " + abs);
            Path checkpoints = abs.resolve(CHECKPOINTS);
            if (Files.exists(checkpoints)) {
                if (!Files.isDirectory(checkpoints)) {
                    throw new RunDirectoryException("run directory " + abs + " cannot hold checkpoints: " + checkpoints
                            + " is a file, not a directory");
                }
                probeWritable(checkpoints, "checkpoint directory " + checkpoints);
            }
            long free;
            try {
                free = freeSpace.usableBytes(abs);
            } catch (IOException e) {
                throw new RunDirectoryException("cannot learn the free space of run directory " + abs + ": "
                        + reason(e), e);
            }
            if (free < requiredFreeBytes) {
                throw new RunDirectoryException("not enough free space for run directory " + abs + ": " + requiredFor
                        + " need " + bytes(requiredFreeBytes) + ", but only " + bytes(free)
                        + " are free there; free some space or write the run somewhere else");
            }
            RunLock lock = RunLock.acquire(abs, abs.resolve(LOCK_FILE));
            try {
                return new RunDirectory(abs, created, lock, cleanLeftovers(abs));
            } catch (RuntimeException e) {
                lock.release(!created.isEmpty());
                throw e;
            }
        } catch (RuntimeException e) {
            removeIfEmpty(created);
            throw e;
        }
    }

    /** The directories missing on the way to {@code abs}, innermost first; fails if a part of the path is a file. */
    private static List<Path> check(Path abs) {
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new RunDirectoryException("run directory " + abs + " is a file, not a directory");
        }
        List<Path> missing = new ArrayList<>();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            missing.add(existing);
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new RunDirectoryException("run directory " + abs + " cannot be created: " + existing
                    + " is a file, not a directory");
        }
        return missing;
    }

    private static void probeWritable(Path dir, String what) {
        if (!Files.isWritable(dir)) {
            throw new RunDirectoryException(what + " is not writable (permission denied)");
        }
        Path probe = null;
        try {
            probe = Files.createTempFile(dir, "." + PROBE + ".", ".tmp");
            try (OutputStream out = Files.newOutputStream(probe)) {
                out.write(0);
            }
        } catch (IOException e) {
            throw new RunDirectoryException(what + " is not writable: " + reason(e), e);
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // a leftover probe is removed by the next start's clean-up
                }
            }
        }
    }

    /** Removes the leftovers of interrupted runs; returns their names relative to {@code dir}. */
    private static List<String> cleanLeftovers(Path dir) {
        List<String> removed = new ArrayList<>();
        for (Path f : list(dir)) {
            String name = f.getFileName().toString();
            boolean leftover = name.equals(OLD_PLOT_TEMPORARY)
                    || AtomicWrite.targetOfTemporary(name).filter(RUN_FILES::contains).isPresent();
            if (leftover && delete(f)) {
                removed.add(name);
            }
        }
        Path checkpoints = dir.resolve(CHECKPOINTS);
        for (Path f : list(checkpoints)) {
            String name = f.getFileName().toString();
            Optional<String> temporaryOf = AtomicWrite.targetOfTemporary(name);
            boolean leftover;
            if (temporaryOf.isPresent()) {
                leftover = CheckpointStore.checkpointOf(temporaryOf.get()).isPresent()
                        || temporaryOf.get().equals(PROBE);
            } else {
                // Tensor files whose manifest is missing: a write that failed or was killed before the manifest.
                leftover = !name.endsWith(".json") && CheckpointStore.checkpointOf(name)
                        .filter(base -> !Files.exists(checkpoints.resolve(base + ".json"))).isPresent();
            }
            if (leftover && delete(f)) {
                removed.add(CHECKPOINTS + "/" + name);
            }
        }
        return removed;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new RunDirectoryException("cannot list " + dir + ": " + reason(e), e);
        }
    }

    private static boolean delete(Path f) {
        try {
            return Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new RunDirectoryException("cannot remove leftover " + f + ": " + reason(e), e);
        }
    }

    private static void removeIfEmpty(List<Path> created) {
        for (Path p : created) {
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * The run directory, absolute.
     *
     * @return the absolute, normalised path
     */
    public Path path() {
        return path;
    }

    /**
     * Its checkpoint directory (not created until the first checkpoint).
     *
     * @return {@code checkpoints} inside the run directory; it may not exist
     */
    public Path checkpoints() {
        return path.resolve(CHECKPOINTS);
    }

    /**
     * The leftovers of interrupted runs that {@link #prepare} removed, relative to the directory.
     *
     * @return the removed paths, empty if there were none
     */
    public List<String> removedLeftovers() {
        return removed;
    }

    /**
     * Releases the lock; if this start created the directory and nothing else was written into it, removes the lock
     * file and the directories it created. The lock file of a directory that holds a run stays (it is empty of
     * meaning once unlocked), so a run racing this one never locks a deleted file.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean remove = !created.isEmpty() && onlyTheLockFileIn(path);
        lock.release(remove);
        if (remove) {
            removeIfEmpty(created);
        }
    }

    private static boolean onlyTheLockFileIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.allMatch(f -> f.getFileName().toString().equals(LOCK_FILE));
        } catch (IOException e) {
            return false;
        }
    }

    /** A short reason for an I/O error: the system's reason text, without repeating the path. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Bytes in the unit people read: {@code 1.5 GB}, {@code 820 kB}. */
    static String bytes(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f kB", Math.ceil(n / 1e3));
    }
}
