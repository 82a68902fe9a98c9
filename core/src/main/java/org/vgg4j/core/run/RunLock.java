package org.vgg4j.core.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * An exclusive OS file lock ({@link FileChannel#tryLock()}) on a run directory's lock file, held until
 * {@link #release()}; the OS drops it when the process dies, even by kill -9. The file holds the owner's process id,
 * so a second run can name the owner.
 *
 * <p>Two facts of POSIX locks shape this class. Closing any descriptor of the file releases every lock the process
 * holds on it, so the holder never opens the file a second time (the refused side reads it only after closing its
 * own channel), and runs within one JVM are excluded by a table of held files before the file is opened. And a run
 * that fails to start deletes its lock file, which a racing run may have opened just before: after locking, the path
 * must still name the file that was opened (same file key before and after), else the lock is taken again.
 */
final class RunLock {
    private static final int ATTEMPTS = 20;
    /** File keys (device and inode) of the lock files held in this JVM. */
    private static final Set<Object> HELD = new HashSet<>();

    private final Path file;
    private final Object key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, Object key, FileChannel channel, FileLock lock) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code file} (created if needed) at once, without waiting.
     *
     * @throws RunDirectoryInUseException if another process, or another run in this one, holds it
     */
    static RunLock acquire(Path directory, Path file) {
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            synchronized (HELD) {
                Object before = fileKey(file);
                if (before != null && HELD.contains(before)) {
                    throw new RunDirectoryInUseException(directory, pid);
                }
                FileChannel channel;
                try {
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw new RunDirectoryException("cannot create the lock file of run directory " + directory
                            + ": " + RunDirectory.reason(e), e);
                }
                Object opened = before != null ? before : fileKey(file);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    closeQuietly(channel);
                    throw new RunDirectoryInUseException(directory, pid);
                } catch (IOException e) {
                    closeQuietly(channel);
                    throw new RunDirectoryException("cannot lock run directory " + directory + ": "
                            + RunDirectory.reason(e), e);
                }
                if (lock == null) {
                    closeQuietly(channel);
                    throw new RunDirectoryInUseException(directory, ownerPid(file));
                }
                Object now = fileKey(file);
                if (opened != null && opened.equals(now)) {
                    try {
                        byte[] text = (pid + "\n").getBytes(StandardCharsets.US_ASCII);
                        channel.truncate(0);
                        channel.write(ByteBuffer.wrap(text), 0);
                        channel.force(false);
                    } catch (IOException e) {
                        releaseQuietly(lock, channel);
                        throw new RunDirectoryException("cannot write the lock file of run directory " + directory
                                + ": " + RunDirectory.reason(e), e);
                    }
                    HELD.add(now);
                    return new RunLock(file, now, channel, lock);
                }
                // Deleted or replaced between our open and our lock: lock what the path names now.
                releaseQuietly(lock, channel);
            }
        }
        throw new RunDirectoryException("cannot lock run directory " + directory + ": its lock file " + file
                + " keeps being replaced");
    }

    /** Releases the lock, deleting the lock file first (while still holding it) if {@code delete}. */
    void release(boolean delete) {
        synchronized (HELD) {
            try {
                if (delete && key.equals(fileKey(file))) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // an undeletable lock file is harmless: the lock, not the file, is what excludes other runs
            } finally {
                HELD.remove(key);
                releaseQuietly(lock, channel);
            }
        }
    }

    /** The file key (device and inode) of {@code file}, read without opening it, or null if it does not exist. */
    private static Object fileKey(Path file) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key != null ? key : file.toAbsolutePath().normalize();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private static long ownerPid(Path file) {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void releaseQuietly(FileLock lock, FileChannel channel) {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
