package org.visionpangu4j.core;


/** Tokens do not fit in a session's context: the message names the lengths involved. */
public class ContextOverflowException extends VisionPanguException {
    private final int tokens;
    private final int position;
    private final int capacity;

    public ContextOverflowException(int tokens, int position, int capacity, String limits) {
        super(tokens + " token(s) at position " + position + " do not fit in a context of " + capacity
                + " positions (" + (capacity - position) + " left; " + limits + ")");
        this.tokens = tokens;
        this.position = position;
        this.capacity = capacity;
    }

    /** How many tokens were to be added. */
    public int tokens() {
        return tokens;
    }

    /** Positions already used in the session. */
    public int position() {
        return position;
    }

    /** The session's context length. */
    public int capacity() {
        return capacity;
    }
}
