package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small byte-level BPE tokenizer for tests, written as slow files or as tokenizer.json: the 256 byte tokens
 * (ids 0–255), then extra tokens and merges as given, then added tokens.
 */
final class TinyBpe {
    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Integer> vocab = new LinkedHashMap<>();
    final List<String> merges = new ArrayList<>();
    final ObjectNode addedTokensDecoder = JSON.createObjectNode();
    String eos;   // eos_token: the first token added with added(...)

    TinyBpe() {
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.charOf(b)), b);
        }
    }

    /** Adds a merge {@code a b} and its result as the next token. */
    TinyBpe merge(String a, String b) {
        merges.add(a + " " + b);
        vocab.putIfAbsent(a + b, vocab.size());
        return this;
    }

    TinyBpe token(String t) {
        vocab.putIfAbsent(t, vocab.size());
        return this;
    }

    /** An added token at the next id after the vocabulary and the added tokens so far. */
    TinyBpe added(String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
        int id = vocab.size() + addedTokensDecoder.size();
        ObjectNode t = addedTokensDecoder.putObject(Integer.toString(id));
        t.put("content", content);
        t.put("lstrip", lstrip);
        t.put("normalized", false);
        t.put("rstrip", rstrip);
        t.put("single_word", singleWord);
        t.put("special", special);
        eos = eos == null ? content : eos;
        return this;
    }

    Path writeSlow(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("vocab.json").toFile(), vocab);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n",
                StandardCharsets.UTF_8);
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "Qwen2Tokenizer");
        config.set("added_tokens_decoder", addedTokensDecoder);
        config.putNull("bos_token");
        config.putNull("unk_token");
        config.put("eos_token", eos);
        config.putNull("pad_token");
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        return dir;
    }

    ObjectNode tokenizerJson(boolean ignoreMerges) throws IOException {
        Path tmp = Files.createTempDirectory("tinybpe");
        try {
            ObjectNode root = TokenizerJsonWriter.build(writeSlow(tmp), true);
            ((ObjectNode) root.get("model")).put("ignore_merges", ignoreMerges);
            return root;
        } finally {
            for (String f : new String[] {"vocab.json", "merges.txt", "tokenizer_config.json"}) {
                Files.deleteIfExists(tmp.resolve(f));
            }
            Files.deleteIfExists(tmp);
        }
    }

    Path writeTokenizerJson(Path dir, boolean ignoreMerges) throws IOException {
        return TokenizerJsonWriter.write(tokenizerJson(ignoreMerges), dir);
    }

    static ArrayNode array(ObjectNode root, String field) {
        return (ArrayNode) root.get(field);
    }
}
