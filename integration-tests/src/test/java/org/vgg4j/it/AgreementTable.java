package org.vgg4j.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects every cross-backend comparison the suite makes and prints them as one table when the test plan ends (also
 * written to the file named by the system property {@code vgg4j.agreementTable}).
 */
public final class AgreementTable implements TestExecutionListener {

    /**
     * One comparison.
     *
     * @param check     what was compared (logits, loss, gradients, ...)
     * @param model     the network
     * @param backend   the backend under test
     * @param against   what it was compared with (reference, another backend)
     * @param value     the measured difference
     * @param tolerance the bound it had to meet
     * @param atLeast   true if the value had to reach the bound (an accuracy), false if it had to stay below it
     */
    record Row(String check, String model, String backend, String against, double value, double tolerance,
            boolean atLeast) {
        boolean ok() {
            return atLeast ? value >= tolerance : value <= tolerance;
        }
    }

    private static final List<Row> ROWS = new ArrayList<>();

    /** Records one comparison (thread-safe). */
    static synchronized void record(String check, String model, String backend, String against, double value,
            double tolerance) {
        ROWS.add(new Row(check, model, backend, against, value, tolerance, false));
    }

    /** Records a result that had to reach {@code bound}, such as an accuracy (thread-safe). */
    static synchronized void recordAtLeast(String check, String model, String backend, String against, double value,
            double bound) {
        ROWS.add(new Row(check, model, backend, against, value, bound, true));
    }

    static synchronized String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("\n## vgg4j cross-backend agreement (").append(ROWS.size()).append(" comparisons)\n\n");
        sb.append("| check | model | backend | against | measured | bound | ok |\n");
        sb.append("|---|---|---|---|---:|---:|---|\n");
        for (Row r : ROWS) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3g | %s | %s |%n", r.check(), r.model(),
                    r.backend(), r.against(), r.value(), r.atLeast() ? String.format(Locale.ROOT, ">= %.2f",
                            r.tolerance()) : String.format(Locale.ROOT, "<= %.0e", r.tolerance()),
                    r.ok() ? "yes" : "NO"));
        }
        return sb.toString();
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (ROWS.isEmpty()) {
            return;
        }
        String table = render();
        System.out.println(table);
        String file = System.getProperty("vgg4j.agreementTable");
        if (file != null) {
            try {
                Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
                Files.writeString(Path.of(file), table);
            } catch (IOException e) {
                System.err.println("cannot write " + file + ": " + e.getMessage());
            }
        }
    }
}
