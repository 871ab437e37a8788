package org.visionpangu4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place every kernel takes its vector width from. Default: the platform's preferred width. Override
 * with {@code -Dvisionpangu.vector.bits=128|256|512} (tests run every kernel at each width this way).
 * The species is a static final so the JIT treats it as a constant and intrinsifies the vector code.
 */
public final class Simd {
    public static final String PROPERTY = "visionpangu.vector.bits";

    /** Float lanes at the chosen width. */
    public static final VectorSpecies<Float> F = choose();

    private Simd() {
    }

    private static VectorSpecies<Float> choose() {
        String v = System.getProperty(PROPERTY, "preferred").trim();
        return switch (v) {
            case "preferred", "" -> FloatVector.SPECIES_PREFERRED;
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(PROPERTY + " must be 128, 256, 512 or preferred, got '" + v + "'");
        };
    }

    /** Vector width in bits. */
    public static int bits() {
        return F.vectorBitSize();
    }

    /** Float lanes per vector. */
    public static int lanes() {
        return F.length();
    }

    /** Shape of the chosen width, for species of other lane types (e.g. int8 quants widened to float). */
    public static VectorShape shape() {
        return F.vectorShape();
    }

    /** A human-readable description, e.g. "512-bit (16 float lanes)". */
    public static String describe() {
        return bits() + "-bit (" + lanes() + " float lanes)";
    }
}
