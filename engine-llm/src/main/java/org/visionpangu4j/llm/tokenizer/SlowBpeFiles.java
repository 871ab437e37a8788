package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a byte-level BPE tokenizer the way transformers' slow {@code Qwen2Tokenizer.from_pretrained} does:
 * {@code vocab.json}, {@code merges.txt}, {@code tokenizer_config.json}; and, only when tokenizer_config.json has
 * no {@code added_tokens_decoder} (the legacy layout), {@code special_tokens_map.json} and {@code added_tokens.json}.
 * Qwen2Tokenizer's defaults apply to special-token roles the config leaves out ({@code eos_token},
 * {@code unk_token}, {@code pad_token} = {@code <|endoftext|>}); a special token that is not yet an added token
 * becomes one (at its vocabulary id, else at the next free id), as transformers does at load time.
 */
final class SlowBpeFiles {
    /** transformers' SPECIAL_TOKENS_ATTRIBUTES, less additional_special_tokens, in its order. */
    private static final String[] ROLES = {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
            "cls_token", "mask_token"};
    private static final String ENDOFTEXT = "<|endoftext|>";

    private SlowBpeFiles() {
    }

    static ByteLevelBpeSpec read(Path dir) {
        Path vocabFile = require(dir, "vocab.json");
        Path mergesFile = require(dir, "merges.txt");
        ByteLevelVocab vocab = new ByteLevelVocab(readVocab(vocabFile), vocabFile.toString());
        MergeList merges = readMerges(mergesFile, vocab);
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonNode config = BpeJson.readObjectIfPresent(configFile);
        checkSupported(config, configFile);

        AddedTokens added = new AddedTokens(vocab);
        String[] roles = new String[ROLES.length];
        List<String> additional = new ArrayList<>();
        JsonNode decoder = config.get("added_tokens_decoder");
        boolean legacy = decoder == null || decoder.isNull();
        for (int i = 0; i < ROLES.length; i++) {
            roles[i] = config.has(ROLES[i]) ? content(config.get(ROLES[i]), configFile, ROLES[i])
                    : (i == 1 || i == 2 || i == 4 ? ENDOFTEXT : null);
        }
        additional.addAll(contents(config.get("additional_special_tokens"), configFile));
        if (legacy) {
            Path mapFile = dir.resolve("special_tokens_map.json");
            JsonNode map = BpeJson.readObjectIfPresent(mapFile);
            for (int i = 0; i < ROLES.length; i++) {
                if (map.has(ROLES[i])) {
                    roles[i] = content(map.get(ROLES[i]), mapFile, ROLES[i]);
                }
            }
            for (String t : contents(map.get("additional_special_tokens"), mapFile)) {
                if (!additional.contains(t)) {
                    additional.add(t);
                }
            }
            readLegacyAddedTokens(dir.resolve("added_tokens.json"), roles, additional, added);
        } else {
            readAddedTokensDecoder(decoder, configFile, added);
        }
        Set<Integer> drop = new LinkedHashSet<>();
        for (String t : roles) {
            if (t != null) {
                drop.add(added.ensure(t));
            }
        }
        for (String t : additional) {
            drop.add(added.ensure(t));
        }
        boolean splitSpecial = config.path("split_special_tokens").asBoolean(false);
        return new ByteLevelBpeSpec(dir.toString(), ByteLevelBpeTokenizer.Semantics.SLOW,
                merges.model(BpeModel.Order.ROUNDS, false), added.list(), drop, true, splitSpecial,
                roles[0] == null ? -1 : added.idOf(roles[0]), roles[1] == null ? -1 : added.idOf(roles[1]));
    }

    private static Path require(Path dir, String name) {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new ModelFormatException(dir + ": " + name + " not found");
        }
        return f;
    }

    static String[] readVocab(Path file) {
        VocabJsonReader.Entries e = VocabJsonReader.read(file);
        return BpeJson.byId(e.tokens(), e.ids(), file, "vocab.json");
    }

    /** merges.txt as Qwen2Tokenizer reads it: an optional {@code #version:} first line, blank lines skipped. */
    static MergeList readMerges(Path file, ByteLevelVocab vocab) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file + ": not valid UTF-8", e);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        MergeList merges = new MergeList(vocab);
        int lineNo = 0;
        for (int start = 0; start < text.length(); ) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            int next = end < text.length() && text.charAt(end) == '\r' && end + 1 < text.length()
                    && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
            lineNo++;
            mergeLine(text, start, end, lineNo, file, merges);
            start = next;
        }
        return merges;
    }

    // One line of merges.txt, Python's way: strip(), skip blank lines and a first "#version:" line, split().
    private static void mergeLine(String text, int start, int end, int lineNo, Path file, MergeList merges) {
        while (start < end && PyText.isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && PyText.isSpace(text.charAt(end - 1))) {
            end--;
        }
        if (start == end || (lineNo == 1 && text.startsWith("#version:", start))) {
            return;   // only the first line can be the header: later lines starting with '#' are merges
        }
        int aEnd = start;
        while (aEnd < end && !PyText.isSpace(text.charAt(aEnd))) {
            aEnd++;
        }
        int bStart = aEnd;
        while (bStart < end && PyText.isSpace(text.charAt(bStart))) {
            bStart++;
        }
        int bEnd = bStart;
        while (bEnd < end && !PyText.isSpace(text.charAt(bEnd))) {
            bEnd++;
        }
        if (bStart == end || bEnd != end) {
            throw new ModelFormatException(file + " line " + lineNo + ": a merge is two tokens separated by a space,"
                    + " not '" + text.substring(start, end) + "'");
        }
        merges.add(text, start, aEnd, bStart, bEnd, file, lineNo);
    }

    private static void checkSupported(JsonNode config, Path file) {
        JsonNode cls = config.get("tokenizer_class");
        if (cls != null && !cls.isNull() && !cls.asText().equals("Qwen2Tokenizer")
                && !cls.asText().equals("Qwen2TokenizerFast")) {
            throw new UnsupportedModelException(file + ": tokenizer_class '" + cls.asText() + "' is not supported;"
                    + " vocab.json + merges.txt are read with Qwen2Tokenizer's rules only");
        }
        JsonNode errors = config.get("errors");
        if (errors != null && !errors.isNull() && !errors.asText().equals("replace")) {
            throw new UnsupportedModelException(file + ": errors='" + errors.asText() + "' is not supported; only"
                    + " 'replace' (invalid UTF-8 becomes U+FFFD) is implemented");
        }
        if (config.path("clean_up_tokenization_spaces").asBoolean(false)) {
            throw new UnsupportedModelException(file + ": clean_up_tokenization_spaces=true is not implemented");
        }
    }

    // added_tokens_decoder: {"151643": {"content": ..., "lstrip": ..., ...}, ...}
    private static void readAddedTokensDecoder(JsonNode decoder, Path file, AddedTokens added) {
        if (!decoder.isObject()) {
            throw new ModelFormatException(file + ": added_tokens_decoder must be an object of id → token");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = decoder.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = file + ": added_tokens_decoder entry '" + e.getKey() + "'";
            if (!e.getKey().matches("[0-9]+")) {
                throw new ModelFormatException(where + ": the key must be a non-negative integer id");
            }
            JsonNode t = e.getValue();
            if (!t.isObject() || !t.path("content").isTextual() || t.get("content").asText().isEmpty()) {
                throw new ModelFormatException(where + ": needs an object with a non-empty string 'content'");
            }
            // Far too long for an id: say so before parsing (AddedTokens.add refuses anything past MAX_ID).
            long id = e.getKey().length() > 18 ? Long.MAX_VALUE : Long.parseLong(e.getKey());
            added.add(id, t.get("content").asText(), flag(t, "special", false, where),
                    flag(t, "lstrip", false, where), flag(t, "rstrip", false, where),
                    flag(t, "normalized", true, where), flag(t, "single_word", false, where), where);
        }
    }

    // Legacy added_tokens.json: {"<token>": id, ...}; the flags transformers gives such tokens.
    private static void readLegacyAddedTokens(Path file, String[] roles, List<String> additional, AddedTokens added) {
        JsonNode tokens = BpeJson.readObjectIfPresent(file);
        List<String> special = new ArrayList<>(additional);
        for (String r : roles) {
            if (r != null) {
                special.add(r);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tokens.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = file + ": entry '" + e.getKey() + "'";
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToLong() || e.getKey().isEmpty()) {
                throw new ModelFormatException(where + ": must map a non-empty token to an integer id, not " + v);
            }
            boolean isSpecial = special.contains(e.getKey());
            added.add(v.longValue(), e.getKey(), isSpecial, false, false, !isSpecial, false, where);
        }
    }

    static boolean flag(JsonNode t, String name, boolean dflt, String where) {
        JsonNode f = t.get(name);
        if (f == null || f.isNull()) {
            return dflt;
        }
        if (!f.isBoolean()) {
            throw new ModelFormatException(where + ": '" + name + "' must be true or false, not " + f);
        }
        return f.booleanValue();
    }

    // A special token is a plain string, an AddedToken object with "content", or null.
    private static String content(JsonNode t, Path file, String key) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (t.isTextual() && !t.asText().isEmpty()) {
            return t.asText();
        }
        if (t.isObject() && t.path("content").isTextual() && !t.get("content").asText().isEmpty()) {
            return t.get("content").asText();
        }
        throw new ModelFormatException(file + ": " + key + " must be a non-empty string, an object with 'content',"
                + " or null; not " + t);
    }

    private static List<String> contents(JsonNode list, Path file) {
        List<String> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new ModelFormatException(file + ": additional_special_tokens must be an array");
        }
        for (JsonNode t : list) {
            out.add(content(t, file, "additional_special_tokens entry"));
        }
        return out;
    }
}
