package org.vgg4j.core.run;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A separate JVM for {@link RunDirectoryTest}: {@code hold DIR} prepares the run directory, prints {@code locked} and
 * keeps it until its standard input closes; {@code prepare DIR} prepares it and prints {@code ok} or the error.
 */
public final class RunDirectoryChild {
    private RunDirectoryChild() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        try (RunDirectory run = RunDirectory.prepare(dir, 0, "nothing", FreeSpace.system())) {
            System.out.println(args[0].equals("hold") ? "locked" : "ok");
            System.out.flush();
            if (args[0].equals("hold")) {
                while (System.in.read() >= 0) {
                    // wait for the parent to close our input
                }
            }
        } catch (RunDirectoryException e) {
            System.out.println("error: " + e.getMessage());
            System.exit(1);
        }
    }
}
