package org.visionpangu4j.kernels;

import org.visionpangu4j.core.VisionPanguException;

/**
 * Whether this JVM can run the kernels: the Vector API is the incubator module {@code jdk.incubator.vector}, which
 * a JVM resolves only when asked ({@code --add-modules jdk.incubator.vector} on the class path; a {@code requires}
 * on the module path). Checked before any kernel class loads, so a missing flag is one clear error instead of a
 * {@link NoClassDefFoundError} deep inside a load. This class touches no vector type itself.
 */
public final class VectorSupport {
    /** The JVM option that resolves the Vector API module. */
    public static final String JVM_OPTION = "--add-modules jdk.incubator.vector";

    private VectorSupport() {
    }

    /** Whether the Vector API module is resolved in this JVM. */
    public static boolean available() {
        ModuleLayer layer = VectorSupport.class.getModule().getLayer();
        if (layer != null && layer.findModule("jdk.incubator.vector").isPresent()) {
            return true;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Fails with a message naming the JVM option when the Vector API module is not resolved. */
    public static void require() {
        if (!available()) {
            throw new VisionPanguException("the Java Vector API is not available: start the JVM with "
                    + JVM_OPTION + " (the engine's kernels are written on it)");
        }
    }

    /** The vector width the kernels run at, e.g. "512-bit (16 float lanes)"; requires the Vector API. */
    public static String describe() {
        require();
        return Simd.describe();
    }
}
