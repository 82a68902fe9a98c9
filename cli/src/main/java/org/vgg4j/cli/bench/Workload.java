package org.vgg4j.cli.bench;

/**
 * An input size and batch; parsed from {@code SIZE} (batch 128 at 32x32, else 64: the workloads) or
 * {@code SIZE:BATCH}.
 *
 * @param size  image height and width
 * @param batch images per step
 */
public record Workload(int size, int batch) {
    /**
     * Checks that both numbers are at least 1.
     *
     * @param size  image height and width
     * @param batch images per step
     * @throws IllegalArgumentException if not
     */
    public Workload {
        if (size < 1 || batch < 1) {
            throw new IllegalArgumentException("size and batch must be >= 1, got " + size + ":" + batch);
        }
    }

    /**
     * Parses {@code SIZE} or {@code SIZE:BATCH}.
     *
     * @param text the workload as written
     * @return the workload
     */
    public static Workload parse(String text) {
        String[] f = text.trim().split(":");
        try {
            int size = Integer.parseInt(f[0].trim());
            if (f.length == 1) {
                return new Workload(size, size <= 32 ? 128 : 64);
            }
            if (f.length == 2) {
                return new Workload(size, Integer.parseInt(f[1].trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad size '" + text + "': use SIZE or SIZE:BATCH, e.g. 224 or 224:64");
    }

    @Override
    public String toString() {
        return size + "x" + size;
    }
}
