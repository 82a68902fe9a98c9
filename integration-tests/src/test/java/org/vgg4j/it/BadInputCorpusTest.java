package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus ({@code src/test/resources/bad-inputs/cases.tsv}, one case per line) through the real
 * {@code vgg4j} command, each case in its own JVM: the exit code must be the documented one, standard error must end
 * in one {@code error:} line containing the case's text, and neither stream may hold a stack-trace line, vgg4j's
 * mark of an unexpected error (a bug), or a JVM crash (a {@code hs_err_pid*.log} in the working directory, or an exit
 * code of 128 or more that the case does not document). Cases run one after the other: run concurrently, Surefire's report lost some of
 * them (38 of 46 counted).
 */
class BadInputCorpusTest {
    private static final Pattern STACK_LINE = Pattern.compile(
            "^\\s+at [\\w$.<>/]+\\(.*\\)$|^Caused by: |^Exception in thread |^\\s*\\.\\.\\. \\d+ more$");
    /**
     * vgg4j's marks of an error it did not expect (a bug): {@code error: unexpected ...} as it printed before, and
     * {@code ... failed unexpectedly: ... (a bug: ...)} as it prints now. The word inside a quoted library message
     * (zlib's "Unexpected end of ZLIB input stream") is a reported condition, not one of them.
     */
    private static final Pattern UNEXPECTED = Pattern.compile(
            "(?i)^error: unexpected|failed unexpectedly|\\(a bug: please report");
    private static final Pattern LOG_LINE = Pattern.compile("^\\[(INFO|WARN)\\] ");
    /** The crafted image files of the CLI's own tests ({@code {images}} in a case), made by their make_bad_images.py. */
    private static final Path BAD_IMAGES = Path.of("..", "cli", "src", "test", "resources", "bad-images")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /**
     * One line of {@code cases.tsv}.
     *
     * @param name case name
     * @param exit documented exit code
     * @param text what the error line must contain
     * @param args the command line, with {@code {in}}, {@code {tmp}} and {@code {images}} still in it
     */
    record Case(String name, int exit, String text, String args) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Path corpus() {
        try {
            return Path.of(BadInputCorpusTest.class.getResource("/bad-inputs/cases.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(corpus().resolve("cases.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 4) {
                throw new IllegalStateException("cases.tsv: expected 4 tab-separated fields, got " + f.length + ": "
                        + line);
            }
            cases.add(new Case(f[0], Integer.parseInt(f[1]), f[2], f[3]));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadInputGivesOneErrorLineAndItsDocumentedExitCode(Case c) throws Exception {
        String in = corpus().toString();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Xmx1g",
                "org.vgg4j.cli.Main"));
        for (String a : c.args().split(" ")) {
            cmd.add(expand(a, in));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
                .redirectOutput(tmp.resolve("stdout.txt").toFile()).redirectError(tmp.resolve("stderr.txt").toFile());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.environment().remove("VGG4J_DEBUG");
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("%s finished within 5 minutes", c).isTrue();
        int exit = p.exitValue();
        String out = Files.readString(tmp.resolve("stdout.txt"));
        String err = Files.readString(tmp.resolve("stderr.txt"));
        String shown = "command: " + String.join(" ", cmd.subList(6, cmd.size())) + "\nexit " + exit + "\nstderr:\n"
                + err + "stdout:\n" + out;
        System.out.println("[" + c.name() + "] exit " + exit + ": " + lastLine(err));

        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("hs_err_pid")))
                    .as("JVM crash log\n%s", shown).isEmpty();
        }
        if (exit >= 128) {
            assertThat(exit).as("a signal or JVM crash that the case does not document\n%s", shown)
                    .isEqualTo(c.exit());
        }
        for (String line : (out + err).split("\n")) {
            assertThat(STACK_LINE.matcher(line).find()).as("stack-trace line %s\n%s", line, shown).isFalse();
            assertThat(UNEXPECTED.matcher(line).find()).as("an unexpected error: %s\n%s", line, shown).isFalse();
        }
        assertThat(exit).as("exit code\n%s", shown).isEqualTo(c.exit());
        if (c.exit() != 0) {
            List<String> other = Arrays.stream(err.split("\n")).filter(l -> !l.isBlank())
                    .filter(l -> !LOG_LINE.matcher(l).find()).toList();
            assertThat(other).as("standard error holds one error line besides log lines\n%s", shown).hasSize(1);
            assertThat(other.get(0)).as(shown).startsWith("error: ")
                    .contains(expand(c.text(), in));
        }
    }

    private String expand(String s, String in) {
        return s.replace("{in}", in).replace("{tmp}", tmp.toString()).replace("{images}", BAD_IMAGES.toString());
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
