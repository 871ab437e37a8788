package org.visionpangu4j;

/**
 * Receives the reply as it is generated, in pieces whose concatenation is exactly {@link Completion#text()}:
 * never half a UTF-8 character, never part of a stop string, no leading or trailing whitespace of the reply.
 * Called on the generating thread.
 */
@FunctionalInterface
public interface TextListener {
    /** Ignores every piece. */
    TextListener NONE = piece -> { };

    /** The next piece of the reply. */
    void onText(String piece);
}
