package org.visionpangu4j.llm.generate;

import org.visionpangu4j.llm.model.Session;

import java.util.Arrays;

/**
 * The generation loop: prefill the prompt, then repeatedly sample a token, hand it to the listener and feed it
 * back (one decode step), until a stop id, the listener, the token limit, cancellation or a full context ends it.
 *
 * <p>The session keeps what was fed: afterwards it holds the prompt and every generated token except the last
 * one (which was sampled but not fed). A prompt that does not fit throws
 * {@link org.visionpangu4j.llm.model.ContextOverflowException} before anything is generated.
 */
public final class Generator {
    private Generator() {
    }

    /** Generates after the prompt {@code promptIds}. {@code listener} and {@code cancel} may be null. */
    public static GenerationResult generate(Session session, int[] promptIds, GenerationOptions options,
                                            TokenListener listener, CancellationToken cancel) {
        return run(session, promptIds, null, promptIds, options, listener, cancel);
    }

    /**
     * Generates after a prompt given as embeddings {@code [T, hidden]} (the multimodal path). {@code promptIds}
     * are the ids those rows stand for, seen by the repetition penalty (may be empty or null).
     */
    public static GenerationResult generate(Session session, float[] promptEmbeddings, int[] promptIds,
                                            GenerationOptions options, TokenListener listener,
                                            CancellationToken cancel) {
        return run(session, null, promptEmbeddings, promptIds, options, listener, cancel);
    }

    private static GenerationResult run(Session session, int[] ids, float[] embeddings, int[] seenIds,
                                        GenerationOptions o, TokenListener listener, CancellationToken cancel) {
        TokenListener out = listener == null ? TokenListener.NONE : listener;
        Sampler sampler = new Sampler(o, session.vocabSize());
        if (seenIds != null) {
            sampler.observe(seenIds);
        }

        int before = session.position();
        long t0 = System.nanoTime();
        float[] logits = ids != null ? session.prefill(ids) : session.prefill(embeddings);
        long t1 = System.nanoTime();
        int promptTokens = session.position() - before;

        int[] tokens = new int[Math.min(o.maxNewTokens(), 64)];
        int n = 0;
        int steps = 0;
        int stopId = -1;
        StopReason reason;
        while (true) {
            if (cancelled(cancel)) {
                reason = StopReason.CANCELLED;
                break;
            }
            if (n >= o.maxNewTokens()) {
                reason = StopReason.MAX_TOKENS;
                break;
            }
            int id = sampler.sample(logits);
            if (o.isStopToken(id)) {
                stopId = id;
                reason = StopReason.EOS;
                break;
            }
            if (n == tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.min(o.maxNewTokens(), 2 * n));
            }
            tokens[n++] = id;
            sampler.observe(id);
            if (!out.onToken(id)) {
                reason = StopReason.STOP_STRING;
                break;
            }
            if (n >= o.maxNewTokens()) {
                reason = StopReason.MAX_TOKENS;
                break;
            }
            if (cancelled(cancel)) {
                reason = StopReason.CANCELLED;
                break;
            }
            if (session.remaining() == 0) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            logits = session.decode(id);
            steps++;
        }
        long t2 = System.nanoTime();
        return new GenerationResult(Arrays.copyOf(tokens, n), promptTokens, reason, stopId, (t1 - t0) / 1e6,
                (t2 - t1) / 1e6, steps, sampler.seed());
    }

    private static boolean cancelled(CancellationToken c) {
        return c != null && c.isCancelled();
    }
}
