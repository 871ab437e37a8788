package org.visionpangu4j.cli;

import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.GenerationOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Options shared by {@code caption} and {@code chat}: engine settings and how to generate. */
final class GenerationFlags {
    @Option(names = "--system", paramLabel = "TEXT", description = "System message (default: the template's empty system turn).")
    String system;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "512",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--greedy", description = "Greedy decoding (the default unless --temperature is given).")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "Sample with this temperature (0 = greedy).")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Keep the K most likely tokens (0 = off).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "Nucleus sampling mass (1 = off).")
    double topP;

    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed (default: random, reported with --json).")
    Long seed;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1.0",
            description = "Penalty for tokens already seen (1 = off).")
    double repetitionPenalty;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when the reply contains TEXT (repeatable).")
    List<String> stop = List.of();

    @Mixin
    EngineFlags engine;

    @Option(names = "--json", description = "Print one JSON object per result instead of streaming text.")
    boolean json;

    /** Loads the engine for {@code dir} with these flags, progress on {@code err}. */
    Engine open(Path dir, PrintWriter err) {
        return Engine.load(dir, engineOptions().progress(Progress.to(err)).build());
    }

    /**
     * Answers one user turn (after the --system turn, if any): with --json one object on {@code out}, else the
     * reply streamed to {@code out} and a speed line on {@code err}.
     */
    void respond(Engine engine, ChatMessage user, String image, PrintWriter out, PrintWriter err) {
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(user);
        if (json) {
            out.println(Results.toJson(image, engine.chat(messages, generationOptions())));
        } else {
            Completion c = engine.chat(messages, generationOptions(), piece -> {
                out.print(piece);
                out.flush();
            }, null);
            out.println();
            reportSpeed(err, c);
        }
        out.flush();
    }

    /** One stderr line of timings, when stderr is a terminal. */
    private static void reportSpeed(PrintWriter err, Completion c) {
        if (!Progress.interactive()) {
            return;
        }
        Completion.Timings t = c.timings();
        err.println(String.format(Locale.ROOT,
                "visionpangu: %d prompt tokens, %d generated (%s); first token %.2f s, decode %.1f tokens/s",
                c.promptTokenIds().length, c.tokenIds().length, c.stopReason().name().toLowerCase(Locale.ROOT),
                t.firstTokenMillis() / 1000, t.decodeTokensPerSecond()));
        err.flush();
    }

    GenerationOptions generationOptions() {
        if (greedy && temperature != null && temperature > 0) {
            throw new IllegalArgumentException("--greedy and --temperature " + temperature + " contradict each other");
        }
        GenerationOptions.Builder b = GenerationOptions.builder()
                .maxNewTokens(maxNewTokens)
                .temperature(temperature == null ? 0 : temperature)
                .topK(topK)
                .topP(topP)
                .repetitionPenalty(repetitionPenalty)
                .stopStrings(stop);
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }

    EngineOptions.Builder engineOptions() {
        return engine.builder();
    }
}
