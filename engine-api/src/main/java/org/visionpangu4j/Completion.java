package org.visionpangu4j;


/**
 * The result of one caption or chat request.
 *
 * @param text           the reply: decoded with special tokens skipped, cut at a stop string, whitespace-stripped
 * @param promptTokenIds the prompt as fed to the model (BOS included; image context tokens included)
 * @param tokenIds       generated ids, without the stop token
 * @param tiles          image tiles per attached image, in order
 * @param stopReason     why generation ended
 * @param timings        where the time went
 */
public record Completion(String text, int[] promptTokenIds, int[] tokenIds, int[] tiles, StopReason stopReason,
                         Timings timings) {

    /** Copies the arrays. */
    public Completion {
        promptTokenIds = promptTokenIds.clone();
        tokenIds = tokenIds.clone();
        tiles = tiles.clone();
    }

    /** The prompt ids (a copy). */
    @Override
    public int[] promptTokenIds() {
        return promptTokenIds.clone();
    }

    /** The generated ids (a copy). */
    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    /** Tiles per image (a copy). */
    @Override
    public int[] tiles() {
        return tiles.clone();
    }

    /**
     * Wall times in milliseconds.
     *
     * @param imageMillis  decoding and preprocessing the images
     * @param visionMillis the vision encoder and projector
     * @param prefillMillis the prompt forward pass up to the first logits
     * @param decodeMillis sampling and decoding every further token
     * @param decodeSteps  decode forward passes
     * @param totalMillis  the whole request
     */
    public record Timings(double imageMillis, double visionMillis, double prefillMillis, double decodeMillis,
                          int decodeSteps, double totalMillis) {
        /** Time from the request to the first generated token's logits. */
        public double firstTokenMillis() {
            return imageMillis + visionMillis + prefillMillis;
        }

        /** Decode steps per second; NaN without decode steps. */
        public double decodeTokensPerSecond() {
            return decodeSteps > 0 && decodeMillis > 0 ? decodeSteps * 1000.0 / decodeMillis : Double.NaN;
        }
    }
}
