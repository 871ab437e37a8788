package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Hugging Face tokenizer side files of a model directory: {@code tokenizer_config.json} (add_bos/eos_token,
 * special tokens, {@code added_tokens_decoder}), {@code special_tokens_map.json} and {@code added_tokens.json}.
 * All three are optional; values in tokenizer_config.json win over special_tokens_map.json.
 *
 * @param addedTokens      id → content, the union of added_tokens_decoder and added_tokens.json
 * @param bosToken         content of the BOS token, or null
 * @param eosToken         content of the EOS token, or null
 * @param unkToken         content of the unknown token, or null
 * @param padToken         content of the padding token, or null
 * @param additionalSpecial additional_special_tokens contents
 */
record TokenizerConfig(Map<Integer, String> addedTokens, boolean addBos, boolean addEos, String bosToken,
                       String eosToken, String unkToken, String padToken, List<String> additionalSpecial) {

    static TokenizerConfig read(Path dir) {
        JsonNode config = readJson(dir.resolve("tokenizer_config.json"));
        JsonNode map = readJson(dir.resolve("special_tokens_map.json"));
        JsonNode added = readJson(dir.resolve("added_tokens.json"));
        Map<Integer, String> tokens = new TreeMap<>();
        Map<String, Integer> ids = new HashMap<>();
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonNode decoder = config.path("added_tokens_decoder");
        if (!decoder.isMissingNode() && !decoder.isNull()) {
            if (!decoder.isObject()) {
                throw new ModelFormatException(configFile + ": added_tokens_decoder must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = decoder.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new ModelFormatException(configFile + ": added_tokens_decoder key '" + e.getKey()
                            + "' is not an integer id");
                }
                JsonNode t = e.getValue();
                String content = t.path("content").isTextual() ? t.get("content").asText() : null;
                if (content == null || content.isEmpty() || id < 0) {
                    throw new ModelFormatException(configFile + ": added_tokens_decoder entry " + e.getKey()
                            + " needs a non-empty 'content' and a non-negative id");
                }
                for (String flag : new String[] {"lstrip", "rstrip", "single_word"}) {
                    if (t.path(flag).asBoolean(false)) {
                        throw new UnsupportedModelException(configFile + ": added token '" + content + "' sets "
                                + flag + "=true; whitespace-stripping added tokens are not implemented");
                    }
                }
                put(tokens, ids, id, content, configFile);
            }
        }
        Path addedFile = dir.resolve("added_tokens.json");
        if (!added.isMissingNode()) {
            if (!added.isObject()) {
                throw new ModelFormatException(addedFile + ": must be an object of token → id");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = added.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().intValue() < 0
                        || e.getKey().isEmpty()) {
                    throw new ModelFormatException(addedFile + ": entry '" + e.getKey()
                            + "' must map a non-empty token to a non-negative integer id");
                }
                put(tokens, ids, e.getValue().intValue(), e.getKey(), addedFile);
            }
        }
        List<String> additional = new ArrayList<>();
        JsonNode extra = config.has("additional_special_tokens") ? config.get("additional_special_tokens")
                : map.path("additional_special_tokens");
        if (extra.isArray()) {
            for (JsonNode t : extra) {
                String c = tokenContent(t);
                if (c != null) {
                    additional.add(c);
                }
            }
        }
        return new TokenizerConfig(tokens,
                config.path("add_bos_token").asBoolean(true),
                config.path("add_eos_token").asBoolean(false),
                special(config, map, "bos_token"),
                special(config, map, "eos_token"),
                special(config, map, "unk_token"),
                special(config, map, "pad_token"),
                List.copyOf(additional));
    }

    private static void put(Map<Integer, String> tokens, Map<String, Integer> ids, int id, String content,
                            Path file) {
        String old = tokens.putIfAbsent(id, content);
        if (old != null && !old.equals(content)) {
            throw new ModelFormatException(file + ": id " + id + " is both '" + old + "' and '" + content + "'");
        }
        Integer oldId = ids.putIfAbsent(content, id);
        if (oldId != null && oldId != id) {
            throw new ModelFormatException(file + ": token '" + content + "' has two ids, " + oldId + " and " + id);
        }
    }

    private static String special(JsonNode config, JsonNode map, String key) {
        String c = tokenContent(config.get(key));
        return c != null ? c : tokenContent(map.get(key));
    }

    // A special token is written either as a plain string or as an AddedToken object with "content".
    private static String tokenContent(JsonNode t) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (t.isTextual()) {
            return t.asText();
        }
        if (t.isObject() && t.path("content").isTextual()) {
            return t.get("content").asText();
        }
        return null;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            JsonNode n = new ObjectMapper().readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new ModelFormatException(file + ": not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ModelFormatException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
