package org.visionpangu4j.llm.generate;

import org.visionpangu4j.llm.model.Session;

/**
 * The generation loop: prefill the prompt, then repeatedly sample a token, let the {@link StopCondition} judge it
 * and feed it back (one decode step), until the stop condition or a full context ends it.
 *
 * <p>The session keeps what was fed: afterwards it holds the prompt and every generated token except the last
 * one (which was sampled but not fed). A prompt that does not fit throws
 * {@link org.visionpangu4j.core.ContextOverflowException} before anything is generated.
 */
public final class Generator {
    private Generator() {
    }

    /** Generates after the prompt {@code promptIds}. */
    public static GenerationResult generate(Session session, int[] promptIds, GenerationSettings settings,
                                            StopCondition stop) {
        return run(session, promptIds, null, promptIds, settings, stop);
    }

    /**
     * Generates after a prompt given as embeddings {@code [T, hidden]} (the multimodal path). {@code promptIds}
     * are the ids those rows stand for, seen by the repetition penalty (may be empty or null).
     */
    public static GenerationResult generate(Session session, float[] promptEmbeddings, int[] promptIds,
                                            GenerationSettings settings, StopCondition stop) {
        return run(session, null, promptEmbeddings, promptIds, settings, stop);
    }

    private static GenerationResult run(Session session, int[] ids, float[] embeddings, int[] seenIds,
                                        GenerationSettings o, StopCondition stop) {
        Sampler sampler = new Sampler(o, session.vocabSize());
        if (seenIds != null) {
            sampler.observe(seenIds);
        }
        int before = session.position();
        long t0 = System.nanoTime();
        float[] logits = ids != null ? session.prefill(ids) : session.prefill(embeddings);
        long t1 = System.nanoTime();
        int promptTokens = session.position() - before;

        int steps = 0;
        StopReason reason;
        while (true) {
            reason = stop.beforeSample();
            if (reason != null) {
                break;
            }
            int id = sampler.sample(logits);
            reason = stop.accept(id);
            if (reason != null) {
                break;
            }
            sampler.observe(id);
            if (session.remaining() == 0) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            logits = session.decode(id);
            steps++;
        }
        stop.finish(reason);
        long t2 = System.nanoTime();
        return new GenerationResult(stop.tokens(), promptTokens, reason, stop.stopTokenId(), (t1 - t0) / 1e6,
                (t2 - t1) / 1e6, steps, sampler.seed());
    }
}
