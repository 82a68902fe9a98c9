package org.vgg4j.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Which torch a Python interpreter imports and which BLAS that torch really runs on: the libraries mapped into the
 * Python process (its {@code /proc/self/maps}) after one matrix product, and the build's {@code BLAS_INFO}.
 *
 * <p>Debian's {@code python3-torch} calls whatever {@code libblas.so.3} the system's alternatives select; with only
 * {@code libblas3} installed that is the unoptimised netlib reference BLAS, some 50x slower than OpenBLAS or MKL,
 * which makes native PyTorch an unfair reference. {@link #optimised()} says whether it is one of the fast ones.
 *
 * @param torchVersion {@code torch.__version__}
 * @param blasInfo     {@code BLAS_INFO} of {@code torch.__config__.show()} ("unknown" if absent)
 * @param libraries    the BLAS/LAPACK/MKL shared libraries mapped into the process, absolute paths, deduplicated
 */
public record TorchProbe(String torchVersion, String blasInfo, List<String> libraries) {

    static final String PREFIX = "VGG4J-TORCH ";

    private static final String SCRIPT = String.join("\n",
            "import re, torch",
            "torch.mm(torch.rand(64, 64), torch.rand(64, 64))",
            "libs = []",
            "for line in open('/proc/self/maps'):",
            "    f = line.split()",
            "    if len(f) >= 6 and f[-1].startswith('/'):",
            "        n = f[-1].rsplit('/', 1)[-1].lower()",
            "        if ('blas' in n or 'mkl' in n or 'lapack' in n) and f[-1] not in libs:",
            "            libs.append(f[-1])",
            "m = re.search(r'BLAS_INFO=([^,\\s]*)', torch.__config__.show())",
            "print('" + PREFIX + "' + torch.__version__ + '|' + (m.group(1) if m else 'unknown') + '|' + ';'.join(libs))");

    /**
     * Copies the library list.
     *
     * @param torchVersion the {@code torch.__version__} the interpreter reported
     * @param blasInfo     the {@code BLAS_INFO} of torch's build configuration, or {@code unknown}
     * @param libraries    the BLAS/LAPACK/MKL shared libraries mapped into the process; not null (copied)
     */
    public TorchProbe {
        libraries = List.copyOf(libraries);
    }

    /**
     * Runs {@code interpreter} on the probe script.
     *
     * @param interpreter a python executable
     * @return the probe, or null if the interpreter cannot run or has no torch
     */
    public static TorchProbe of(String interpreter) {
        try {
            Process p = new ProcessBuilder(interpreter, "-c", SCRIPT).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? text.lines().filter(l -> l.startsWith(PREFIX)).map(TorchProbe::parse)
                    .findFirst().orElse(null) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Parses the probe script's line {@code VGG4J-TORCH version|blasInfo|lib;lib}.
     *
     * @param line the line
     * @return the probe
     */
    public static TorchProbe parse(String line) {
        String[] f = line.substring(PREFIX.length()).trim().split("\\|", -1);
        if (f.length != 3) {
            throw new IllegalArgumentException("not a torch probe line: " + line);
        }
        List<String> libs = f[2].isEmpty() ? List.of() : Arrays.asList(f[2].split(";"));
        return new TorchProbe(f[0], f[1], libs);
    }

    /**
     * @return the BLAS the process runs on: "MKL", "OpenBLAS", "BLIS", "reference BLAS (netlib)" or
     *         "unknown (BLAS_INFO ...)"
     */
    public String blas() {
        String all = String.join(";", libraries).toLowerCase(Locale.ROOT);
        if (all.contains("mkl")) {
            return "MKL";
        }
        if (all.contains("openblas")) {
            return "OpenBLAS";
        }
        if (all.contains("blis")) {
            return "BLIS";
        }
        if (all.contains("atlas")) {
            return "ATLAS";
        }
        if (libraries.stream().anyMatch(l -> l.contains("/blas/") || l.endsWith("/libblas.so.3"))) {
            return "reference BLAS (netlib)";
        }
        return "unknown (BLAS_INFO " + blasInfo + ")";
    }

    /** @return whether {@link #blas()} is an optimised BLAS (MKL, OpenBLAS, BLIS or ATLAS) */
    public boolean optimised() {
        String b = blas();
        return !b.startsWith("reference") && !b.startsWith("unknown");
    }

    /** @return e.g. {@code "torch 1.13.0a0, BLAS OpenBLAS (/usr/lib/.../libopenblasp-r0.3.21.so)"} */
    public String describe() {
        return "torch " + torchVersion + ", BLAS " + blas()
                + (libraries.isEmpty() ? "" : " (" + String.join(", ", libraries) + ")");
    }
}
