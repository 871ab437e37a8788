package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face tokenizers {@code tokenizer.json} (the format Qwen2.5 ships) from a slow tokenizer's
 * vocab.json, merges.txt and the added_tokens_decoder of tokenizer_config.json, so both loaders can be tested on
 * one vocabulary.
 */
final class TokenizerJsonWriter {
    /** The Qwen2 pre-tokenizer regex exactly as Qwen2.5's tokenizer.json has it. */
    static final String PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private TokenizerJsonWriter() {
    }

    /** Builds the JSON tree; {@code pairMerges} picks [["a","b"]] (tokenizers ≥ 0.20) over ["a b"]. */
    static ObjectNode build(Path slowDir, boolean pairMerges) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        JsonNode decoder = om.readTree(slowDir.resolve("tokenizer_config.json").toFile()).get("added_tokens_decoder");
        for (Iterator<Map.Entry<String, JsonNode>> it = decoder.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode t = added.addObject();
            t.put("id", Integer.parseInt(e.getKey()));
            for (String f : new String[] {"content", "single_word", "lstrip", "rstrip", "normalized", "special"}) {
                t.set(f, e.getValue().get(f));
            }
        }
        root.putObject("normalizer").put("type", "NFC");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        ObjectNode split = pres.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", PATTERN);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        byteLevel(pres.addObject());
        byteLevel(root.putObject("post_processor"));
        byteLevel(root.putObject("decoder"));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.set("vocab", om.readTree(slowDir.resolve("vocab.json").toFile()));
        ArrayNode merges = model.putArray("merges");
        List<String> lines = Files.readAllLines(slowDir.resolve("merges.txt"), StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] p = lines.get(i).split(" ");
            if (pairMerges) {
                merges.addArray().add(p[0]).add(p[1]);
            } else {
                merges.add(p[0] + " " + p[1]);
            }
        }
        return root;
    }

    private static void byteLevel(ObjectNode n) {
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", false);
        n.put("use_regex", false);
    }

    /** Writes {@code root} as {@code dir/tokenizer.json} (compact, as tokenizers does not pretty-print merges). */
    static Path write(ObjectNode root, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("tokenizer.json");
        new ObjectMapper().writeValue(f.toFile(), root);
        return f;
    }
}
