package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.VisionPanguException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken byte-level BPE files are refused with a message naming the file and the problem. */
class ByteLevelBpeMalformedTest {
    @TempDir
    Path tmp;

    static <E extends VisionPanguException> E refused(Class<E> type, Supplier<?> load, String... mustMention) {
        E e = assertThrows(type, load::get);
        for (String m : mustMention) {
            assertTrue(e.getMessage().contains(m), "message should mention '" + m + "': " + e.getMessage());
        }
        return e;
    }

    private Path slowDir(TinyBpe t) throws IOException {
        return t.writeSlow(tmp.resolve("m"));
    }

    private ModelFormatException slowRefused(Path dir, String... mustMention) {
        return refused(ModelFormatException.class, () -> ByteLevelBpeTokenizer.load(dir), mustMention);
    }

    private Path withVocab(String json) throws IOException {
        Path dir = slowDir(new TinyBpe());
        Files.writeString(dir.resolve("vocab.json"), json);
        return dir;
    }

    /** The 256 byte tokens as vocab.json text, without the closing brace. */
    private static String byteVocabPrefix() {
        StringBuilder sb = new StringBuilder("{");
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.charOf(b);
            sb.append('"').append(c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c)).append("\":").append(b)
                    .append(b < 255 ? "," : "");
        }
        return sb.toString();
    }

    @Test
    void missingFiles() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        slowRefused(empty, empty.toString(), "no byte-level BPE tokenizer");
        Path onlyVocab = slowDir(new TinyBpe());
        Files.delete(onlyVocab.resolve("merges.txt"));
        slowRefused(onlyVocab, "merges.txt not found");
        refused(ModelFormatException.class, () -> ByteLevelBpeTokenizer.loadTokenizerJson(empty.resolve("tokenizer.json")),
                "tokenizer.json", "not found");
    }

    @Test
    void vocabInvalidJsonNamesTheLocation() throws IOException {
        Path dir = withVocab("{\"a\": 1,\n \"b\" 2}");
        slowRefused(dir, "vocab.json", "invalid JSON", "line 2");
        slowRefused(withVocab("[\"a\"]"), "vocab.json", "JSON object");
        slowRefused(withVocab(""), "vocab.json");
    }

    @Test
    void vocabJsonSyntax() throws IOException {
        slowRefused(withVocab(byteVocabPrefix() + ",}"), "vocab.json", "invalid JSON", "expected a string key");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":0256}"), "leading zero");
        slowRefused(withVocab(byteVocabPrefix() + ",\"x\ty\":256}"), "control character");
        slowRefused(withVocab(byteVocabPrefix() + ",\"x\\qy\":256}"), "invalid escape");
        slowRefused(withVocab(byteVocabPrefix() + "} {}"), "content after");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\" 256}"), "line 1", "expected ':'");
        slowRefused(withVocab(byteVocabPrefix()), "unexpected end of file");
    }

    @Test
    void vocabJsonEscapesAreDecoded() throws IOException {
        TinyBpe t = new TinyBpe().merge("\u0120", "a");   // "Ġa" = " a"
        Path plain = t.writeSlow(tmp.resolve("plain"));
        Path escaped = t.writeSlow(tmp.resolve("escaped"));
        com.fasterxml.jackson.databind.ObjectMapper ascii = new com.fasterxml.jackson.databind.ObjectMapper();
        ascii.getFactory().configure(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(),
                true);
        ascii.writeValue(escaped.resolve("vocab.json").toFile(), t.vocab);
        assertTrue(Files.readString(escaped.resolve("vocab.json")).contains("\\u0120"));
        ByteLevelBpeTokenizer a = ByteLevelBpeTokenizer.load(plain);
        ByteLevelBpeTokenizer b = ByteLevelBpeTokenizer.load(escaped);
        assertEquals(1, a.encode(" a").length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.encode("x a \u00FF"), b.encode("x a \u00FF"));
    }

    @Test
    void vocabIdsMustBeIntegers() throws IOException {
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":\"256\"}"), "vocab.json", "'xy'", "not an integer id");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":256.5}"), "not an integer id");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":1e9}"), "not an integer id");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":99999999999}"), "not an integer id");
    }

    @Test
    void vocabIdsNegativeHugeOrDuplicated() throws IOException {
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":-1}"), "vocab.json", "'xy'", "-1", "never negative");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":1000000000}"), "'xy'", "1000000000", "0..256");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":2147483647}"), "2147483647");
        slowRefused(withVocab(byteVocabPrefix() + ",\"xy\":7}"), "vocab.json", "id 7", "'xy'");
        slowRefused(withVocab(byteVocabPrefix() + ",\"a\":256}"), "vocab.json", "token 'a' has two ids, 97 and 256");
    }

    @Test
    void vocabTokensMustStandForBytes() throws IOException {
        slowRefused(withVocab(byteVocabPrefix() + ",\"a b\":256}"), "vocab.json", "'a b'", "U+0020", "no byte");
        slowRefused(withVocab(byteVocabPrefix() + ",\"日本\":256}"), "U+65E5");
        String noA = byteVocabPrefix().replace("\"a\":97,", "") + ",\"zz\":97}";
        slowRefused(withVocab(noA), "vocab.json", "no token for byte 0x61");
    }

    @Test
    void mergesNamingUnknownTokens() throws IOException {
        Path dir = slowDir(new TinyBpe().merge("a", "b"));
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\nab q\u0100\n");
        slowRefused(dir, "merges.txt line 3", "'q\u0100'", "not a token");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\nb c\n");
        slowRefused(dir, "merges.txt line 3", "makes 'bc'", "not a token");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b c\n");
        slowRefused(dir, "merges.txt line 2", "two tokens");
        Files.write(dir.resolve("merges.txt"), new byte[] {'a', ' ', (byte) 0xC3, '\n'});
        slowRefused(dir, "merges.txt", "not valid UTF-8");
    }

    @Test
    void mergesHeaderOnlyOnTheFirstLine() throws IOException {
        Path dir = slowDir(new TinyBpe().merge("#", "#"));
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n# #\n\n");
        ByteLevelBpeTokenizer tok = ByteLevelBpeTokenizer.load(dir);
        assertEquals(1, tok.encode("##").length, "'# #' is a merge, not a comment");
        Files.writeString(dir.resolve("merges.txt"), "# #\n#version: 0.2\n");
        slowRefused(dir, "merges.txt line 2", "'#version:'", "not a token");
    }

    @Test
    void addedTokenIdsAbsurdlyLargeOrNegative() throws IOException {
        for (String id : new String[] {"1000000000", "2147483647", "99999999999", "123456789012345678901234567890"}) {
            TinyBpe t = new TinyBpe();
            ObjectNode e = t.addedTokensDecoder.putObject(id);
            e.put("content", "<big>");
            slowRefused(slowDir(t), "tokenizer_config.json", "'<big>'", id, "beyond the largest supported id");
        }
        TinyBpe neg = new TinyBpe();
        neg.addedTokensDecoder.putObject("-5").put("content", "<neg>");
        slowRefused(slowDir(neg), "tokenizer_config.json", "'-5'", "non-negative integer");
    }

    @Test
    void addedTokenAtTheLargestSupportedIdIsStoredSparsely() throws IOException {
        TinyBpe t = new TinyBpe();
        t.addedTokensDecoder.putObject(Integer.toString(ByteLevelBpeSpec.MAX_ID)).put("content", "<far>");
        ByteLevelBpeTokenizer tok = ByteLevelBpeTokenizer.load(slowDir(t));
        assertEquals(ByteLevelBpeSpec.MAX_ID + 1, tok.vocabSize());
        assertEquals("<far>", tok.decode(new int[] {ByteLevelBpeSpec.MAX_ID}, false));
        refused(VisionPanguException.class, () -> tok.decode(new int[] {300}, false), "300", "has no token");
        refused(VisionPanguException.class, () -> tok.decode(new int[] {-1}, false), "outside the vocabulary");
        refused(VisionPanguException.class, () -> tok.token(ByteLevelBpeSpec.MAX_ID + 1), "outside the vocabulary");
    }

    @Test
    void addedTokenConflicts() throws IOException {
        TinyBpe t = new TinyBpe();
        t.addedTokensDecoder.putObject("300").put("content", "<a>");
        t.addedTokensDecoder.putObject("301").put("content", "<a>");
        slowRefused(slowDir(t), "'<a>'", "two ids", "300", "301");
        TinyBpe f = new TinyBpe();
        f.addedTokensDecoder.putObject("300").put("content", "<a>").put("lstrip", "yes");
        slowRefused(slowDir(f), "'lstrip'", "true or false");
        TinyBpe c = new TinyBpe();
        c.addedTokensDecoder.putObject("300").put("content", "");
        slowRefused(slowDir(c), "added_tokens_decoder entry '300'", "non-empty");
    }

    @Test
    void legacyAddedTokensJson() throws IOException {
        Path dir = slowDir(new TinyBpe());
        ObjectNode config = (ObjectNode) TinyBpe.JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        config.remove("added_tokens_decoder");
        config.put("eos_token", "<e>");
        TinyBpe.JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        Files.writeString(dir.resolve("added_tokens.json"), "{\"<e>\": 256, \"<t>\": 257}");
        ByteLevelBpeTokenizer tok = ByteLevelBpeTokenizer.load(dir);
        assertEquals(256, tok.eosId());
        assertTrue(tok.isSpecial(256));
        assertTrue(tok.isAddedToken(257) && !tok.isSpecial(257));
        Files.writeString(dir.resolve("added_tokens.json"), "{\"<e>\": 1e9}");
        slowRefused(dir, "added_tokens.json", "'<e>'", "integer id");
        Files.writeString(dir.resolve("added_tokens.json"), "{\"<e>\": 256, \"<t>\": 256}");
        slowRefused(dir, "added_tokens.json", "id 256 is both");
    }

    @Test
    void unsupportedSettingsAreRefused() throws IOException {
        Path dir = slowDir(new TinyBpe());
        ObjectNode config = (ObjectNode) TinyBpe.JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        config.put("tokenizer_class", "GPT2Tokenizer");
        TinyBpe.JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        refused(UnsupportedModelException.class, () -> ByteLevelBpeTokenizer.load(dir), "GPT2Tokenizer");
        config.put("tokenizer_class", "Qwen2Tokenizer");
        config.put("errors", "strict");
        TinyBpe.JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        refused(UnsupportedModelException.class, () -> ByteLevelBpeTokenizer.load(dir), "errors='strict'");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"added_tokens_decoder\": {");
        slowRefused(dir, "tokenizer_config.json", "invalid JSON");
    }

    // ------------------------------------------------------------ tokenizer.json

    private Path json(ObjectNode root) throws IOException {
        return TokenizerJsonWriter.write(root, tmp.resolve("j"));
    }

    private ModelFormatException jsonRefused(ObjectNode root, String... mustMention) throws IOException {
        Path f = json(root);
        return refused(ModelFormatException.class, () -> ByteLevelBpeTokenizer.loadTokenizerJson(f), mustMention);
    }

    private void jsonUnsupported(ObjectNode root, String... mustMention) throws IOException {
        Path f = json(root);
        refused(UnsupportedModelException.class, () -> ByteLevelBpeTokenizer.loadTokenizerJson(f), mustMention);
    }

    @Test
    void tokenizerJsonTruncatedOrInvalid() throws IOException {
        Path f = json(new TinyBpe().merge("a", "b").tokenizerJson(false));
        String text = Files.readString(f, StandardCharsets.UTF_8);
        Files.writeString(f, text.substring(0, text.length() / 2));
        refused(ModelFormatException.class, () -> ByteLevelBpeTokenizer.loadTokenizerJson(f), "tokenizer.json",
                "invalid JSON", "line 1");
        Files.writeString(f, text + "x");
        refused(ModelFormatException.class, () -> ByteLevelBpeTokenizer.loadTokenizerJson(f), "tokenizer.json");
    }

    @Test
    void tokenizerJsonBadMergesAndIds() throws IOException {
        ObjectNode root = new TinyBpe().merge("a", "b").tokenizerJson(false);
        ArrayNode merges = (ArrayNode) root.get("model").get("merges");
        merges.addArray().add("ab").add("zz");
        jsonRefused(root, "model.merges[1]", "'zz'", "not a token");
        merges.remove(1);
        merges.add("a b c");
        jsonRefused(root, "model.merges[1]", "two tokens");
        merges.remove(1);
        merges.add(7);
        jsonRefused(root, "model.merges[1]");
        merges.remove(1);
        ObjectNode big = TinyBpe.array(root, "added_tokens").addObject();
        big.put("id", 2147483647L);
        big.put("content", "<big>");
        jsonRefused(root, "added_tokens[0]", "'<big>'", "beyond the largest supported id");
        big.put("id", -3);
        jsonRefused(root, "added_tokens[0]", "negative");
        big.put("id", "7");
        jsonRefused(root, "added_tokens[0]", "integer 'id'");
        TinyBpe.array(root, "added_tokens").removeAll();
        ((ObjectNode) root.get("model").get("vocab")).put("xy", 7);
        jsonRefused(root, "model.vocab", "id 7", "'xy'");
    }

    @Test
    void tokenizerJsonUnsupportedComponents() throws IOException {
        ObjectNode root = new TinyBpe().tokenizerJson(false);
        ((ObjectNode) root.get("model")).put("type", "WordPiece");
        jsonUnsupported(root, "WordPiece");
        root = new TinyBpe().tokenizerJson(false);
        ((ObjectNode) root.get("model")).put("dropout", 0.1);
        jsonUnsupported(root, "dropout");
        root = new TinyBpe().tokenizerJson(false);
        ((ObjectNode) root.get("pre_tokenizer").get("pretokenizers").get(0).get("pattern")).put("Regex", "\\s+");
        jsonUnsupported(root, "pre_tokenizer", "Qwen2");
        root = new TinyBpe().tokenizerJson(false);
        root.putObject("normalizer").put("type", "NFKC");
        jsonUnsupported(root, "normalizer", "NFKC");
        root = new TinyBpe().tokenizerJson(false);
        root.putObject("post_processor").put("type", "TemplateProcessing");
        jsonUnsupported(root, "post_processor", "TemplateProcessing");
        root = new TinyBpe().tokenizerJson(false);
        root.putNull("normalizer");
        ByteLevelBpeTokenizer noNfc = ByteLevelBpeTokenizer.loadTokenizerJson(json(root));
        ByteLevelBpeTokenizer nfc = ByteLevelBpeTokenizer.loadTokenizerJson(json(new TinyBpe().tokenizerJson(false)));
        assertEquals(2, nfc.encode("e\u0301").length, "NFC: é is two bytes");
        assertEquals(3, noNfc.encode("e\u0301").length, "without a normalizer: e, then U+0301's two bytes");
    }

    @Test
    void decodingUnknownIdsIsAClearError() throws IOException {
        ByteLevelBpeTokenizer tok = ByteLevelBpeTokenizer.load(slowDir(new TinyBpe()));
        refused(VisionPanguException.class, () -> tok.decode(new int[] {256}, false), "256", "outside the vocabulary");
        StreamingDecoder d = tok.streamingDecoder(false);
        refused(VisionPanguException.class, () -> d.feed(Integer.MAX_VALUE), "outside the vocabulary");
    }
}
