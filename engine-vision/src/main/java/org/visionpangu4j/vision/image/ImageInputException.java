package org.visionpangu4j.vision.image;

import org.visionpangu4j.core.VisionPanguException;

/** An image could not be accepted: unknown format, truncated, zero-size, over the pixel budget. Names source and problem. */
public class ImageInputException extends VisionPanguException {
    public ImageInputException(String message) {
        super(message);
    }

    public ImageInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
