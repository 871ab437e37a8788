package org.visionpangu4j.cli;

import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
        flags.generationOptions(); // validate the flags before loading anything
        ChatMessage user = ChatMessage.user(prompt, images.stream().map(ImageInput::of).toArray(ImageInput[]::new));
        try (Engine engine = flags.open(ModelLocator.require(model), err)) {
            flags.respond(engine, user, null, out, err);
        }
        return 0;
    }
}
