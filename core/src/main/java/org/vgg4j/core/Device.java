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
    public enum Kind { CPU, GPU, AUTO }

    public Device {
        if (index < 0 || (kind != Kind.GPU && index != 0)) {
            throw new IllegalArgumentException("bad device index " + index + " for " + kind);
        }
    }

    public static Device cpu() {
        return new Device(Kind.CPU, 0);
    }

    public static Device gpu() {
        return gpu(0);
    }

    public static Device gpu(int index) {
        return new Device(Kind.GPU, index);
    }

    public static Device auto() {
        return new Device(Kind.AUTO, 0);
    }

    /** Parses {@code cpu}, {@code gpu}, {@code gpu:N}, {@code cuda}, {@code cuda:N} or {@code auto}. */
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

    public boolean isGpu() {
        return kind == Kind.GPU;
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
