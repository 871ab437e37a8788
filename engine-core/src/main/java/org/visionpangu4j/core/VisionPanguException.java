package org.visionpangu4j.core;

/** Base of every exception the engine throws on purpose: bad files, bad input, misuse. */
public class VisionPanguException extends RuntimeException {
    public VisionPanguException(String message) {
        super(message);
    }

    public VisionPanguException(String message, Throwable cause) {
        super(message, cause);
    }
}
