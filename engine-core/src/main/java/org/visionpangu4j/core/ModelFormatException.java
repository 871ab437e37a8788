package org.visionpangu4j.core;

/** A model file (safetensors, config, tokenizer) violates a rule; the message names file, item and rule. */
public class ModelFormatException extends VisionPanguException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
