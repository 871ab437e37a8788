package org.visionpangu4j.core;

/** A well-formed model the engine recognises but cannot run yet (e.g. a checkpoint layout not implemented). */
public class UnsupportedModelException extends VisionPanguException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
