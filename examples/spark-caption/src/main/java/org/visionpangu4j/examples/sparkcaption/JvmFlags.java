package org.visionpangu4j.examples.sparkcaption;

import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Prints the JVM options Spark's own launcher gives driver and executor JVMs (add-opens and the like), so that
 * the {@code run} script starts a local-mode job the way {@code spark-submit} would.
 */
public final class JvmFlags {
    private JvmFlags() {
    }

    public static void main(String[] args) {
        System.out.println(JavaModuleOptions.defaultModuleOptions());
    }
}
