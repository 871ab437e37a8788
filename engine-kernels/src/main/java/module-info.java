/** The SIMD kernels (Vector API) and their scalar references. Knows no model; internal to the engine. */
module org.visionpangu4j.kernels {
    requires transitive org.visionpangu4j.core;
    requires transitive jdk.incubator.vector;

    exports org.visionpangu4j.kernels to org.visionpangu4j.vision, org.visionpangu4j.llm, org.visionpangu4j;
}
