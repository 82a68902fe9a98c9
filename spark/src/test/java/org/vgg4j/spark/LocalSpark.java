package org.vgg4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The test JVM's one Spark session: {@code local[2,4]} (two task threads; a failed task is retried up to 4 times, as on
 * a cluster, where plain {@code local[2]} never retries), on loopback, without the web UI. Created on first use and
 * stopped at JVM exit, so the test classes share its start-up (several seconds).
 */
final class LocalSpark {
    private static SparkSession spark;

    private LocalSpark() {
    }

    static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder().appName("vgg4j-tests").master("local[2,4]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            Runtime.getRuntime().addShutdownHook(new Thread(LocalSpark::stop));
        }
        return spark;
    }

    /**
     * Stops the session if one is running (a JVM holds one SparkContext at a time, and {@code SeparateJvmTest} needs
     * its own); the next {@link #get} starts a new one.
     */
    static synchronized void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }
}
