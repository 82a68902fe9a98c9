package org.vgg4j.cli;

import picocli.CommandLine;

/**
 * Supplies {@code vgg4j --version} from the jar manifest (or "development" when run from classes).
 */
public final class Version implements CommandLine.IVersionProvider {

    /**
     * The vgg4j version string.
     *
     * @return the jar manifest's version, or {@code development} when run from classes
     */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vgg4j " + current(), "Java " + System.getProperty("java.version")};
    }
}
