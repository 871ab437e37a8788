package org.visionpangu4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.ModelTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code visionpangu tokenize --model DIR (TEXT | --jsonl FILE)}: token ids as JSON arrays. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print token ids (BOS as the tokenizer adds it) as a JSON array.")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR", description = "Model directory.")
    Path model;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--jsonl", paramLabel = "FILE",
                description = "Each line a JSON string; prints one id array per line.")
        Path jsonl;

        @Parameters(paramLabel = "TEXT", description = "The text to tokenize.")
        String text;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ModelTokenizer tok = ModelTokenizer.load(ModelLocator.require(model));
        if (input.text != null) {
            out.println(ids(tok, input.text));
        } else {
            try (BufferedReader r = Files.newBufferedReader(input.jsonl, StandardCharsets.UTF_8)) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node;
                    try {
                        node = Results.JSON.readTree(line);
                    } catch (IOException e) {
                        throw new VisionPanguException(input.jsonl + ":" + n + ": not valid JSON");
                    }
                    if (node == null || !node.isTextual()) {
                        throw new VisionPanguException(input.jsonl + ":" + n + ": expected a JSON string");
                    }
                    out.println(ids(tok, node.asText()));
                }
            }
        }
        out.flush();
        return 0;
    }

    private static String ids(ModelTokenizer tok, String text) {
        ArrayNode a = Results.JSON.createArrayNode();
        for (int id : tok.encode(text)) {
            a.add(id);
        }
        return a.toString();
    }
}
