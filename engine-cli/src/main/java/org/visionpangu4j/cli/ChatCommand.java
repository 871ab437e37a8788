package org.visionpangu4j.cli;

import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.llm.generate.GenerationOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code visionpangu chat --model DIR --prompt TEXT [--image FILE]...}: one reply, text-only or with images. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Answer one prompt, optionally about one or more images.")
final class ChatCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR", description = "Model directory.")
    Path model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
            description = "The user's message. Images go where <image> stands, or before the text.")
    String prompt;

    @Option(names = "--image", paramLabel = "FILE", description = "An image for the prompt (repeatable).")
    List<Path> images = List.of();

    @Mixin
    GenerationFlags flags;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GenerationOptions gen = flags.generationOptions();
        Path dir = ModelLocator.require(model);
        List<ChatMessage> messages = new ArrayList<>();
        if (flags.system != null) {
            messages.add(ChatMessage.system(flags.system));
        }
        messages.add(ChatMessage.user(prompt, images.stream().map(ImageInput::of).toArray(ImageInput[]::new)));
        try (Engine engine = Engine.load(dir, flags.engineOptions().progress(Progress.to(err)).build())) {
            if (flags.json) {
                Completion c = engine.chat(messages, gen);
                out.println(Results.toJson(null, c));
            } else {
                Completion c = engine.chat(messages, gen, piece -> {
                    out.print(piece);
                    out.flush();
                }, null);
                out.println();
                reportSpeed(err, c);
            }
        }
        out.flush();
        return 0;
    }

    /** One stderr line of timings, when stderr is a terminal. */
    static void reportSpeed(PrintWriter err, Completion c) {
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
}
