package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a Hugging Face tokenizers {@code tokenizer.json} of the Qwen2 kind: model BPE (no dropout, no subword
 * prefix/suffix), normalizer NFC or none, pre-tokenizer = Split on the Qwen2 regex (Isolated) + ByteLevel without
 * its own regex or prefix space, decoder ByteLevel, post-processor ByteLevel or none. Anything else is refused
 * with {@link UnsupportedModelException} rather than encoded differently. The vocabulary and merges are streamed.
 * The EOS/BOS ids come from a {@code tokenizer_config.json} beside the file, when there is one.
 */
final class TokenizerJsonFile {
    /** The Qwen2 pre-tokenizer regex as tokenizer.json writes it (see {@link Qwen2PreTokenizer}). */
    static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private TokenizerJsonFile() {
    }

    static ByteLevelBpeSpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + ": not found");
        }
        JsonNode addedTokens = null;
        JsonNode normalizer = null;
        JsonNode preTokenizer = null;
        JsonNode decoder = null;
        JsonNode postProcessor = null;
        Model model = null;
        try (JsonParser p = BpeJson.open(file)) {
            p.nextToken();
            BpeJson.expect(p, JsonToken.START_OBJECT, file, "the top level");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "added_tokens" -> addedTokens = BpeJson.MAPPER.readTree(p);
                    case "normalizer" -> normalizer = BpeJson.MAPPER.readTree(p);
                    case "pre_tokenizer" -> preTokenizer = BpeJson.MAPPER.readTree(p);
                    case "decoder" -> decoder = BpeJson.MAPPER.readTree(p);
                    case "post_processor" -> postProcessor = BpeJson.MAPPER.readTree(p);
                    case "model" -> model = readModel(p, file);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ModelFormatException(file + ": content after the top-level object (" + BpeJson.at(p) + ")");
            }
        } catch (IOException e) {
            throw BpeJson.malformed(file, e);
        }
        if (model == null) {
            throw new ModelFormatException(file + ": no 'model'");
        }
        boolean nfc = checkNormalizer(normalizer, file);
        checkPreTokenizer(preTokenizer, file);
        checkType(decoder, "decoder", file, false);
        checkType(postProcessor, "post_processor", file, true);

        ByteLevelVocab vocab = new ByteLevelVocab(model.vocab, file + ": model.vocab");
        MergeList merges = new MergeList(vocab);
        for (int i = 0; i < model.merges.size(); i += 2) {
            merges.add(model.merges.get(i), model.merges.get(i + 1), file + ": model.merges[" + i / 2 + "]");
        }
        AddedTokens added = new AddedTokens(vocab);
        Set<Integer> drop = new LinkedHashSet<>();
        readAddedTokens(addedTokens, file, added, drop);
        List<AddedToken> list = added.list();
        int[] roleIds = roleIds(file.getParent(), vocab, list);
        return new ByteLevelBpeSpec(file.toString(), ByteLevelBpeTokenizer.Semantics.FAST,
                merges.model(BpeModel.Order.QUEUE, model.ignoreMerges), list, drop, nfc, false, roleIds[0],
                roleIds[1]);
    }

    private record Model(String[] vocab, List<String> merges, boolean ignoreMerges) {
    }

    private static Model readModel(JsonParser p, Path file) throws IOException {
        BpeJson.expect(p, JsonToken.START_OBJECT, file, "model");
        String[] vocab = null;
        List<String> merges = new ArrayList<>();
        boolean ignoreMerges = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> {
                    if (!"BPE".equals(p.getText())) {
                        throw new UnsupportedModelException(file + ": model type '" + p.getText()
                                + "' is not supported; only BPE");
                    }
                }
                case "vocab" -> vocab = BpeJson.readVocab(p, file, "model.vocab");
                case "merges" -> readMerges(p, file, merges);
                case "dropout" -> {
                    if (v != JsonToken.VALUE_NULL && p.getDoubleValue() != 0) {
                        throw new UnsupportedModelException(file + ": BPE dropout " + p.getText()
                                + " is not supported (encoding would be random)");
                    }
                }
                case "continuing_subword_prefix", "end_of_word_suffix" -> {
                    if (v != JsonToken.VALUE_NULL && !p.getText().isEmpty()) {
                        throw new UnsupportedModelException(file + ": BPE " + name + " '" + p.getText()
                                + "' is not supported");
                    }
                }
                case "ignore_merges" -> {
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        throw new ModelFormatException(file + ": model.ignore_merges must be true or false");
                    }
                    ignoreMerges = v == JsonToken.VALUE_TRUE;
                }
                default -> p.skipChildren();   // unk_token, fuse_unk, byte_fallback: never used, every byte is a token
            }
        }
        if (vocab == null) {
            throw new ModelFormatException(file + ": model has no 'vocab'");
        }
        return new Model(vocab, merges, ignoreMerges);
    }

    // Either ["a b", ...] (tokenizers before 0.20) or [["a", "b"], ...].
    private static void readMerges(JsonParser p, Path file, List<String> out) throws IOException {
        BpeJson.expect(p, JsonToken.START_ARRAY, file, "model.merges");
        int i = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
            String where = file + ": model.merges[" + i + "]";
            if (t == JsonToken.VALUE_STRING) {
                String[] parts = p.getText().split(" ", -1);
                if (parts.length != 2) {
                    throw new ModelFormatException(where + ": '" + p.getText() + "' is not two tokens separated"
                            + " by one space");
                }
                out.add(parts[0]);
                out.add(parts[1]);
            } else if (t == JsonToken.START_ARRAY) {
                String a = p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
                String b = a != null && p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
                if (b == null || p.nextToken() != JsonToken.END_ARRAY) {
                    throw new ModelFormatException(where + ": a merge is an array of two token strings ("
                            + BpeJson.at(p) + ")");
                }
                out.add(a);
                out.add(b);
            } else {
                throw new ModelFormatException(where + ": a merge is \"a b\" or [\"a\", \"b\"] (" + BpeJson.at(p)
                        + ")");
            }
        }
    }

    private static void readAddedTokens(JsonNode list, Path file, AddedTokens added, Set<Integer> drop) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw new ModelFormatException(file + ": added_tokens must be an array");
        }
        int i = 0;
        for (JsonNode t : list) {
            String where = file + ": added_tokens[" + i++ + "]";
            if (!t.isObject() || !t.path("content").isTextual() || t.get("content").asText().isEmpty()) {
                throw new ModelFormatException(where + ": needs an object with a non-empty string 'content'");
            }
            JsonNode id = t.get("id");
            if (id == null || !id.isIntegralNumber() || !id.canConvertToLong()) {
                throw new ModelFormatException(where + ": '" + t.get("content").asText()
                        + "' needs an integer 'id', not " + id);
            }
            boolean special = SlowBpeFiles.flag(t, "special", false, where);
            added.add(id.longValue(), t.get("content").asText(), special, SlowBpeFiles.flag(t, "lstrip", false, where),
                    SlowBpeFiles.flag(t, "rstrip", false, where), SlowBpeFiles.flag(t, "normalized", true, where),
                    SlowBpeFiles.flag(t, "single_word", false, where), where);
            if (special) {
                drop.add(id.intValue());
            }
        }
    }

    private static boolean checkNormalizer(JsonNode n, Path file) {
        if (n == null || n.isNull()) {
            return false;
        }
        String type = n.path("type").asText();
        if (type.equals("NFC")) {
            return true;
        }
        if (type.equals("Sequence") && n.path("normalizers").isArray()) {
            boolean any = false;
            for (JsonNode m : n.get("normalizers")) {
                any |= checkNormalizer(m, file);
            }
            return any;
        }
        throw new UnsupportedModelException(file + ": normalizer " + n + " is not supported; only NFC (or none)");
    }

    private static void checkPreTokenizer(JsonNode n, Path file) {
        JsonNode parts = n == null ? null : n.get("pretokenizers");
        boolean ok = n != null && n.path("type").asText().equals("Sequence") && parts != null && parts.isArray()
                && parts.size() == 2;
        if (ok) {
            JsonNode split = parts.get(0);
            JsonNode bytes = parts.get(1);
            ok = split.path("type").asText().equals("Split")
                    && QWEN2_PATTERN.equals(split.path("pattern").path("Regex").asText(null))
                    && split.path("behavior").asText().equals("Isolated") && !split.path("invert").asBoolean(false)
                    && bytes.path("type").asText().equals("ByteLevel")
                    && !bytes.path("add_prefix_space").asBoolean(false) && !bytes.path("use_regex").asBoolean(true);
        }
        if (!ok) {
            throw new UnsupportedModelException(file + ": pre_tokenizer " + n + " is not supported; only the Qwen2"
                    + " one (Split on the Qwen2 regex, Isolated, then ByteLevel without prefix space or regex)");
        }
    }

    private static void checkType(JsonNode n, String what, Path file, boolean optional) {
        if ((n == null || n.isNull()) && optional) {
            return;
        }
        if (n == null || !n.path("type").asText().equals("ByteLevel")) {
            throw new UnsupportedModelException(file + ": " + what + " " + n + " is not supported; only ByteLevel"
                    + (optional ? " or none" : ""));
        }
    }

    // EOS/BOS from tokenizer_config.json beside the file: the ids of those tokens, or -1.
    private static int[] roleIds(Path dir, ByteLevelVocab vocab, List<AddedToken> added) {
        int[] ids = {-1, -1};
        if (dir == null) {
            return ids;
        }
        JsonNode config = BpeJson.readObjectIfPresent(dir.resolve("tokenizer_config.json"));
        String[] keys = {"bos_token", "eos_token"};
        for (int i = 0; i < 2; i++) {
            JsonNode t = config.get(keys[i]);
            String content = t == null || t.isNull() ? null : t.isObject() ? t.path("content").asText(null) : t.asText();
            if (content == null) {
                continue;
            }
            for (AddedToken a : added) {
                if (a.content().equals(content)) {
                    ids[i] = a.id();
                }
            }
            if (ids[i] < 0) {
                ids[i] = vocab.idOf(content);
            }
        }
        return ids;
    }
}
