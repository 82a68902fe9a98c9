package org.vgg4j.core;

import java.util.Locale;

/**
 * Where a session runs: the CPU, one GPU by index, or {@code auto} (the first GPU if the backend finds one, else the CPU).
 *
 * @param kind  cpu, gpu or auto
 * @param index GPU ordinal; 0 for cpu and auto
 */
public record Device(Kind kind, int index) {

    /** The kinds of device. */
    public enum Kind { /** The host CPU. */ CPU, /** One GPU, by index. */ GPU, /** First GPU, else CPU. */ AUTO }

    /**
     * Checks the index.
     *
     * @param kind  cpu, gpu or auto
     * @param index GPU ordinal, >= 0; must be 0 for cpu and auto
     * @throws IllegalArgumentException if the index is negative, or not 0 for a CPU or auto device
     */
    public Device {
        if (index < 0 || (kind != Kind.GPU && index != 0)) {
            throw new IllegalArgumentException("bad device index " + index + " for " + kind);
        }
    }

    /**
     * The CPU.
     *
     * @return {@code cpu}, index 0
     */
    public static Device cpu() {
        return new Device(Kind.CPU, 0);
    }

    /**
     * The first GPU.
     *
     * @return {@code gpu:0}
     */
    public static Device gpu() {
        return gpu(0);
    }

    /**
     * The GPU with ordinal {@code index}.
     *
     * @param index GPU ordinal, >= 0 (whether it exists is checked when a session opens)
     * @return {@code gpu:index}
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public static Device gpu(int index) {
        return new Device(Kind.GPU, index);
    }

    /**
     * The first GPU the backend finds, else the CPU; resolved when a session opens.
     *
     * @return {@code auto}
     */
    public static Device auto() {
        return new Device(Kind.AUTO, 0);
    }

    /**
     * Parses {@code cpu}, {@code gpu}, {@code gpu:N}, {@code cuda}, {@code cuda:N} or {@code auto}.
     *
     * @param text the device as typed, case-insensitive, surrounding spaces ignored
     * @return the device ({@code cuda} means {@code gpu})
     * @throws IllegalArgumentException naming {@code text} and the accepted forms if it is none of them
     */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return cpu();
        }
        if (t.equals("auto")) {
            return auto();
        }
        if (t.equals("gpu") || t.equals("cuda")) {
            return gpu();
        }
        if (t.startsWith("gpu:") || t.startsWith("cuda:")) {
            try {
                return gpu(Integer.parseInt(t.substring(t.indexOf(':') + 1)));
            } catch (IllegalArgumentException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "': use cpu, gpu, gpu:N or auto");
    }

    /**
     * Whether this is a specific GPU.
     *
     * @return true for {@code gpu:N}; false for {@code cpu} and for {@code auto} (even if it would pick a GPU)
     */
    public boolean isGpu() {
        return kind == Kind.GPU;
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
