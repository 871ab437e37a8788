package org.visionpangu4j.core;


/** An image could not be accepted: unknown format, truncated, zero-size, over the pixel budget. Names source and problem. */
public class ImageInputException extends VisionPanguException {
    public ImageInputException(String message) {
        super(message);
    }

    public ImageInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
