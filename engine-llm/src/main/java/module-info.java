/** Tokenizers, chat templates, the decoders with their sessions, sampling and generation. Internal to the engine. */
module org.visionpangu4j.llm {
    requires transitive org.visionpangu4j.kernels;
    requires com.fasterxml.jackson.databind;

    exports org.visionpangu4j.llm.chat to org.visionpangu4j;
    exports org.visionpangu4j.llm.generate to org.visionpangu4j;
    exports org.visionpangu4j.llm.model to org.visionpangu4j;
    exports org.visionpangu4j.llm.tokenizer to org.visionpangu4j;
}
