package org.visionpangu4j.cli;

import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
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
        flags.generationOptions(); // validate the flags before loading anything
        try (Engine engine = flags.open(ModelLocator.orDemo(model, err), err)) {
            for (Path image : images) {
                if (images.size() > 1 && !flags.json) {
                    out.println("== " + image);
                }
                flags.respond(engine, ChatMessage.user(prompt, ImageInput.of(image)), image.toString(), out, err);
            }
        }
        return 0;
    }
}
