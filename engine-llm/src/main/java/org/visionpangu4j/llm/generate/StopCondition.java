package org.visionpangu4j.llm.generate;

import org.visionpangu4j.llm.tokenizer.StreamingDecoder;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Every way a generation ends, in one place: stop ids, the token limit, cancellation, and stop strings on the
 * decoded reply; the generation loop asks it at each step and it names the reason. With text it also assembles the
 * reply ({@link ReplyText}): decoded pieces (never half a UTF-8 character), cut before a stop string and
 * whitespace-stripped, streamed to a listener as they become final. Not thread-safe: one per generation.
 */
public final class StopCondition {
    private final int maxNewTokens;
    private final int[] stopIds;
    private final BooleanSupplier cancelled;
    private final StreamingDecoder decoder; // null: ids only, no text
    private final ReplyText reply;
    private IntConsumer observer = id -> { };
    private int[] tokens = new int[16];
    private int n;
    private int stopTokenId = -1;

    private StopCondition(GenerationSettings s, StreamingDecoder decoder, List<String> stopStrings,
                          Consumer<String> listener, BooleanSupplier cancelled) {
        this.maxNewTokens = s.maxNewTokens();
        this.stopIds = s.stopTokenIds();
        this.cancelled = cancelled == null ? () -> false : cancelled;
        this.decoder = decoder;
        this.reply = decoder == null ? null : new ReplyText(stopStrings, listener == null ? piece -> { } : listener);
    }

    /** Stops on ids only (stop ids, limit, cancellation); stop strings need {@link #withText}. */
    public static StopCondition ids(GenerationSettings s, BooleanSupplier cancelled) {
        if (!s.stopStrings().isEmpty()) {
            throw new IllegalArgumentException("stop strings need the decoded text: use StopCondition.withText");
        }
        return new StopCondition(s, null, List.of(), null, cancelled);
    }

    /**
     * Also decodes the reply with {@code decoder}, ends at the settings' stop strings, and hands each final piece of
     * the reply to {@code listener} (may be null).
     */
    public static StopCondition withText(GenerationSettings s, StreamingDecoder decoder, Consumer<String> listener,
                                         BooleanSupplier cancelled) {
        return new StopCondition(s, decoder, s.stopStrings(), listener, cancelled);
    }

    /** Also hands every kept token id to {@code observer} as it is generated (stop ids excluded). */
    public StopCondition observe(IntConsumer observer) {
        this.observer = observer;
        return this;
    }

    /** Before sampling the next token: cancelled, or the limit reached (a limit of 0 generates nothing). */
    StopReason beforeSample() {
        if (cancelled.getAsBoolean()) {
            return StopReason.CANCELLED;
        }
        return n >= maxNewTokens ? StopReason.MAX_TOKENS : null;
    }

    /**
     * A token was sampled: a stop id ends generation without becoming part of it; otherwise the token is kept,
     * decoded, and may complete a stop string, reach the limit, or meet a cancellation; null means go on.
     */
    StopReason accept(int id) {
        for (int s : stopIds) {
            if (s == id) {
                stopTokenId = id;
                return StopReason.EOS;
            }
        }
        if (n == tokens.length) {
            tokens = Arrays.copyOf(tokens, 2 * n);
        }
        tokens[n++] = id;
        observer.accept(id);
        if (reply != null && !reply.add(decoder.feed(id))) {
            return StopReason.STOP_STRING;
        }
        if (n >= maxNewTokens) {
            return StopReason.MAX_TOKENS;
        }
        return cancelled.getAsBoolean() ? StopReason.CANCELLED : null;
    }

    /** Generation ended for {@code reason}: emits the text still held back (none after a stop string). */
    void finish(StopReason reason) {
        if (reply == null) {
            return;
        }
        if (reason != StopReason.STOP_STRING) {
            reply.add(decoder.finish());
        }
        reply.finish();
    }

    /** The generated ids so far (the stop id excluded). */
    public int[] tokens() {
        return Arrays.copyOf(tokens, n);
    }

    /** The stop id that ended generation, or -1. */
    public int stopTokenId() {
        return stopTokenId;
    }

    /** The reply: decoded, cut at a stop string, whitespace-stripped; empty without text. */
    public String text() {
        return reply == null ? "" : reply.reply();
    }
}
