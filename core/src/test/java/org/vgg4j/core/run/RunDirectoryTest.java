package org.vgg4j.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.testing.TestFiles;

/**
 * The run directory: refused before anything runs when it cannot be used (a file, under a file, not writable, in
 * /proc, too little free space), locked against a second run in another process or this one, cleaned of the
 * leftovers of interrupted runs (and only of those), and removed again by a start that fails.
 */
class RunDirectoryTest {
    private static final FreeSpace PLENTY = d -> Long.MAX_VALUE;
    @TempDir
    Path dir;

    private static RunDirectory prepare(Path d) {
        return RunDirectory.prepare(d, 1000, "a test", PLENTY);
    }

    @Test
    void aFileOrAPathUnderAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> prepare(file)).isInstanceOf(RunDirectoryException.class)
                .hasMessage("run directory " + file + " is a file, not a directory");
        assertThatThrownBy(() -> prepare(file.resolve("run/deeper"))).isInstanceOf(RunDirectoryException.class)
                .hasMessage("run directory " + file.resolve("run/deeper") + " cannot be created: " + file
                        + " is a file, not a directory");
        Path cp = Files.createDirectories(dir.resolve("run"));
        Files.writeString(cp.resolve("checkpoints"), "not a directory");
        assertThatThrownBy(() -> prepare(cp)).hasMessageContaining("cannot hold checkpoints");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsRefused() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        assertThatThrownBy(() -> prepare(Path.of("/proc/x"))).isInstanceOf(RunDirectoryException.class)
                .hasMessageStartingWith("cannot create run directory /proc/x: ");
        assertThatThrownBy(() -> prepare(Path.of("/proc/self/x"))).isInstanceOf(RunDirectoryException.class)
                .hasMessageStartingWith("cannot create run directory /proc/self/x: ");
    }

    @Test
    void aReadOnlyDirectoryIsRefused() throws Exception {
        if (!isRoot()) {
            Path ro = Files.createDirectories(dir.resolve("ro"));
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
            try {
                assertThatThrownBy(() -> prepare(ro)).isInstanceOf(RunDirectoryException.class)
                        .hasMessage("run directory " + ro + " is not writable (permission denied)");
                assertThatThrownBy(() -> prepare(ro.resolve("new"))).isInstanceOf(RunDirectoryException.class)
                        .hasMessageStartingWith("cannot create run directory " + ro.resolve("new"));
            } finally {
                Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return;
        }
        // Root may write anywhere, so permissions are tested as user nobody in a child JVM that only reads what it is
        // given: a world-readable copy of core's classes and Jackson.
        assumeTrue(new File("/usr/bin/setpriv").canExecute(), "root without setpriv cannot test as another user");
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "vgg4j-ro-test");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            String classpath = copyClasspath(shared.resolve("cp"));
            Path ro = Files.createDirectories(shared.resolve("ro"));
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
            Result r = run(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    java(), "-cp", classpath, RunDirectoryChild.class.getName(), "prepare", ro.toString()));
            assertThat(r.exit()).as(r.out()).isEqualTo(1);
            assertThat(r.out()).contains("error: run directory " + ro + " is not writable (permission denied)");
            r = run(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java(), "-cp",
                    classpath, RunDirectoryChild.class.getName(), "prepare", ro.resolve("run").toString()));
            assertThat(r.out()).contains("error: cannot create run directory " + ro.resolve("run") + ": permission "
                    + "denied");
        } finally {
            deleteTree(shared);
        }
    }

    @Test
    void tooLittleFreeSpaceIsRefusedAndLeavesNothing() {
        Path run = dir.resolve("runs/new");
        assertThatThrownBy(() -> RunDirectory.prepare(run, 3_100_000_000L, "2 checkpoints of vgg11 (1.6 GB each)",
                d -> 1_200_000_000L)).isInstanceOf(RunDirectoryException.class)
                .hasMessage("not enough free space for run directory " + run + ": 2 checkpoints of vgg11 (1.6 GB "
                        + "each) need 3.1 GB, but only 1.2 GB are free there; free some space or write the run "
                        + "somewhere else");
        assertThat(dir.resolve("runs")).doesNotExist();
        assertThatThrownBy(() -> RunDirectory.prepare(run, 1, "x", d -> {
            throw new IOException("statfs failed");
        })).hasMessageContaining("cannot learn the free space").hasMessageContaining("statfs failed");
    }

    @Test
    void aFailedStartRemovesWhatItCreatedAndARealOneKeepsIt() throws IOException {
        Path run = dir.resolve("a/b/run");
        try (RunDirectory r = prepare(run)) {
            assertThat(r.path()).isEqualTo(run);
            assertThat(run.resolve(RunDirectory.LOCK_FILE)).exists();
        }
        assertThat(dir.resolve("a")).doesNotExist();
        try (RunDirectory r = prepare(run)) {
            Files.writeString(Files.createDirectories(r.checkpoints()).resolve("epoch-001.json"), "{}");
        }
        assertThat(run.resolve("checkpoints/epoch-001.json")).exists();
        // Kept, unlocked: deleting the lock file of a live directory could let a racing run lock a deleted file.
        assertThat(run.resolve(RunDirectory.LOCK_FILE)).exists();
        prepare(run).close();
    }

    @Test
    void leftoversOfInterruptedRunsAreRemovedAndNothingElse() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Path cp = Files.createDirectories(run.resolve("checkpoints"));
        List<String> leftovers = List.of(".metrics.csv.123456.tmp", ".training.png.tmp.png", ".training.png42.tmp",
                ".vgg4j-probe.99.tmp", "checkpoints/.epoch-002.safetensors8472983749.tmp",
                "checkpoints/.epoch-002.json.17.tmp", "checkpoints/.stopped-e003-b00020.optim.safetensors.5.tmp",
                "checkpoints/epoch-002.safetensors", "checkpoints/epoch-002.optim.safetensors",
                "checkpoints/stopped-e003-b00020.safetensors");
        List<String> kept = List.of("notes.txt", ".hidden", ".notes.txt.12.tmp", "metrics.csv", "training.png",
                "checkpoints/epoch-001.json", "checkpoints/epoch-001.safetensors",
                "checkpoints/epoch-001.optim.safetensors", "checkpoints/notes.json", "checkpoints/mine.safetensors",
                "checkpoints/.mine.safetensors.3.tmp", "checkpoints/epoch-1.safetensors");
        for (String f : concat(leftovers, kept)) {
            Files.writeString(run.resolve(f), "x");
        }
        Files.createDirectories(cp.resolve(".epoch-009.json.1.tmp"));
        try (RunDirectory r = prepare(run)) {
            assertThat(r.removedLeftovers()).containsExactlyInAnyOrderElementsOf(leftovers);
        }
        for (String f : leftovers) {
            assertThat(run.resolve(f)).as(f).doesNotExist();
        }
        for (String f : kept) {
            assertThat(run.resolve(f)).as(f).exists();
        }
        assertThat(AtomicWrite.targetOfTemporary(".epoch-001.json.8371.tmp")).contains("epoch-001.json");
        assertThat(AtomicWrite.targetOfTemporary(".epoch-001.json8371.tmp")).contains("epoch-001.json");
        assertThat(AtomicWrite.targetOfTemporary("epoch-001.json.8371.tmp")).isEmpty();
        assertThat(AtomicWrite.targetOfTemporary(".epoch-001.json.tmp")).isEmpty();
    }

    @Test
    void atomicWritesUseUniqueTemporaryNamesThatTheCleanUpRecognises() throws IOException {
        Path target = dir.resolve("metrics.csv");
        List<String> temporaries = new ArrayList<>();
        AtomicWrite.write(target, out -> {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).forEach(temporaries::add);
            }
            out.write('x');
        });
        assertThat(temporaries).singleElement().satisfies(t -> {
            assertThat(t).matches("\\.metrics\\.csv\\.\\d+\\.tmp");
            assertThat(AtomicWrite.targetOfTemporary(t)).contains("metrics.csv");
        });
    }

    @Test
    void aSecondRunInThisProcessIsRefusedWithoutLosingTheLock() throws Exception {
        Path run = dir.resolve("run");
        try (RunDirectory first = prepare(run)) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> prepare(run)).isInstanceOf(RunDirectoryInUseException.class)
                        .hasMessageStartingWith("run directory " + run + " is in use by process "
                                + ProcessHandle.current().pid() + " (this process)");
            }
            // POSIX drops a process's locks on a file when it closes any descriptor of it: the refused attempts
            // above must not have opened the lock file, or another process could now take the directory.
            Result other = run(List.of(java(), "-cp", System.getProperty("java.class.path"),
                    RunDirectoryChild.class.getName(), "prepare", run.toString()));
            assertThat(other.exit()).as(other.out()).isEqualTo(1);
            assertThat(other.out()).contains("is in use by process " + ProcessHandle.current().pid());
        }
        prepare(run).close();
    }

    @Test
    void aSecondProcessIsRefusedWhileTheFirstLivesEvenAfterKill9() throws Exception {
        Path run = dir.resolve("run");
        for (boolean kill : new boolean[] {false, true}) {
            Process holder = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                    RunDirectoryChild.class.getName(), "hold", run.toString()).redirectErrorStream(true).start();
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(r.readLine()).isEqualTo("locked");
                assertThatThrownBy(() -> prepare(run)).isInstanceOf(RunDirectoryInUseException.class)
                        .hasMessageStartingWith("run directory " + run + " is in use by process " + holder.pid() + ":")
                        .satisfies(e -> assertThat(((RunDirectoryInUseException) e).pid()).isEqualTo(holder.pid()));
                Result second = run(List.of(java(), "-cp", System.getProperty("java.class.path"),
                        RunDirectoryChild.class.getName(), "prepare", run.toString()));
                assertThat(second.exit()).isEqualTo(1);
                assertThat(second.out()).contains("is in use by process " + holder.pid());
                if (kill) {
                    holder.destroyForcibly();
                } else {
                    holder.getOutputStream().close();
                }
                assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                holder.destroyForcibly();
            }
            // The OS released the lock with the process, however it ended.
            prepare(run).close();
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Copies the class directories and Jackson jars of this test's class path into {@code to}; the copy's path. */
    private static String copyClasspath(Path to) throws IOException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(e);
            Path dest = to.resolve(Integer.toString(i++));
            if (Files.isDirectory(from)) {
                TestFiles.copyTree(from, dest);
            } else if (from.getFileName().toString().startsWith("jackson-")) {
                Files.createDirectories(dest);
                Files.copy(from, dest.resolve(from.getFileName()));
                dest = dest.resolve(from.getFileName());
            } else {
                continue;
            }
            entries.add(dest.toString());
        }
        try (Stream<Path> walk = Files.walk(to)) {
            for (Path f : walk.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.delete(p);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
