/**
 * Tensors and memory, safetensors, configuration reading, the worker pool, and the engine's errors. Knows no model.
 * Only the errors ({@code org.visionpangu4j.core}) are API; the rest serves the engine's own modules.
 */
module org.visionpangu4j.core {
    requires transitive com.fasterxml.jackson.databind;

    exports org.visionpangu4j.core;
    exports org.visionpangu4j.core.config to org.visionpangu4j.llm, org.visionpangu4j;
    exports org.visionpangu4j.core.parallel
            to org.visionpangu4j.kernels, org.visionpangu4j.vision, org.visionpangu4j.llm, org.visionpangu4j;
    exports org.visionpangu4j.core.safetensors
            to org.visionpangu4j.kernels, org.visionpangu4j.vision, org.visionpangu4j.llm, org.visionpangu4j;
    exports org.visionpangu4j.core.tensor
            to org.visionpangu4j.kernels, org.visionpangu4j.vision, org.visionpangu4j.llm, org.visionpangu4j;
}
