package org.visionpangu4j.cli;

import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.TextListener;
import org.visionpangu4j.llm.generate.GenerationOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code visionpangu caption IMAGE...}: a detailed caption per image, streamed to stdout. */
@Command(name = "caption", mixinStandardHelpOptions = true,
        description = "Caption images. Without --model, runs the bundled demo checkpoint (random weights).")
final class CaptionCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "Model directory (default: bundled demo).")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The question (default: \"${DEFAULT-VALUE}\").",
            defaultValue = Engine.DEFAULT_CAPTION_PROMPT)
    String prompt;

    @Mixin
    GenerationFlags flags;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (PNG, JPEG, BMP, GIF, WebP).")
    List<Path> images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GenerationOptions gen = flags.generationOptions();
        Path dir = ModelLocator.orDemo(model, err);
        try (Engine engine = Engine.load(dir, flags.engineOptions().progress(Progress.to(err)).build())) {
            for (Path image : images) {
                List<ChatMessage> messages = new ArrayList<>();
                if (flags.system != null) {
                    messages.add(ChatMessage.system(flags.system));
                }
                messages.add(ChatMessage.user(prompt, ImageInput.of(image)));
                if (flags.json) {
                    Completion c = engine.chat(messages, gen);
                    out.println(Results.toJson(image.toString(), c));
                } else {
                    if (images.size() > 1) {
                        out.println("== " + image);
                    }
                    Completion c = engine.chat(messages, gen, piece -> {
                        out.print(piece);
                        out.flush();
                    }, null);
                    out.println();
                    ChatCommand.reportSpeed(err, c);
                }
                out.flush();
            }
        }
        return 0;
    }
}
