/**
 * VisionPangu4J's public API: {@link org.visionpangu4j.Engine} and its options, inputs, outputs and listeners
 * (package {@code org.visionpangu4j}), and the errors it throws ({@code org.visionpangu4j.core}). Everything else
 * (model families, layouts, the pipeline, kernels) is internal. Run with the Vector API module resolved: on the
 * module path that is automatic; on the class path add {@code --add-modules jdk.incubator.vector}.
 */
module org.visionpangu4j {
    requires transitive org.visionpangu4j.core;
    requires transitive java.desktop;
    requires org.visionpangu4j.kernels;
    requires org.visionpangu4j.vision;
    requires org.visionpangu4j.llm;

    exports org.visionpangu4j;
}
