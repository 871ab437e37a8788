package org.visionpangu4j.llm.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.VisionPanguException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Broken or unsupported tokenizer.model files are refused with a clear message naming file and field. */
class MalformedModelTest {
    @TempDir
    Path tmp;

    static ModelFormatException malformed(byte[] data, String... mustMention) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SentencePieceModel.parse(data, "bad.model"));
        assertTrue(e.getMessage().contains("bad.model"), e.getMessage());
        for (String m : mustMention) {
            assertTrue(e.getMessage().contains(m), "message should mention '" + m + "': " + e.getMessage());
        }
        return e;
    }

    /** One piece message around {@code body}. */
    static byte[] pieceWith(ProtoBytes body) {
        return new ProtoBytes().messageField(1, body).toBytes();
    }

    @Test
    void fixtureTruncatedAnywhereIsRefusedOrIsAValidShorterMessage() throws IOException {
        byte[] full = Files.readAllBytes(TokenizerGoldenTest.fixtureDir().resolve("tokenizer.model"));
        int refusedAsMalformed = 0;
        for (int cut = 0; cut < full.length; cut += cut < 64 ? 1 : 53) {
            Path dir = Files.createDirectories(tmp.resolve("cut" + cut));
            Files.write(dir.resolve("tokenizer.model"), Arrays.copyOf(full, cut));
            try {
                Tokenizer t = SentencePieceTokenizer.load(dir);
                // Only a cut exactly between the trainer and normalizer specs is a complete, valid message.
                assertEquals(1536, t.vocabSize(), "a truncated model loaded with " + t.vocabSize() + " pieces");
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
                refusedAsMalformed++;
            } catch (UnsupportedModelException e) {
                // Cut between two pieces: a valid message without trainer_spec, whose default model_type is UNIGRAM.
                assertTrue(e.getMessage().contains("UNIGRAM"), e.getMessage());
            }
        }
        assertTrue(refusedAsMalformed > 400, "only " + refusedAsMalformed + " cuts were reported as malformed");
        // The last byte sits inside normalizer_spec.
        malformed(Arrays.copyOf(full, full.length - 1), "normalizer_spec", "truncated");
        malformed(Arrays.copyOf(full, 1), "truncated");
    }

    @Test
    void stringWhereAVarintBelongs() {
        byte[] data = new ProtoBytes().messageField(1, new ProtoBytes().stringField(1, "a"))
                .messageField(2, new ProtoBytes().stringField(3, "BPE")).toBytes();
        malformed(data, "trainer_spec", "model_type", "length-delimited", "expected varint");
    }

    @Test
    void varintWhereAStringBelongs() {
        malformed(pieceWith(new ProtoBytes().varintField(1, 7)), "pieces[0]", "piece (field 1)", "varint");
    }

    @Test
    void varintWhereAFloatBelongs() {
        malformed(pieceWith(new ProtoBytes().stringField(1, "a").varintField(2, 1)), "score", "fixed32");
    }

    @Test
    void negativeAndOversizedLengths() {
        byte[] negative = new ProtoBytes().tag(1, 2).varint(-1L).toBytes();
        malformed(negative, "negative or oversized length");
        byte[] pastEnd = new ProtoBytes().tag(1, 2).varint(100).raw((byte) 10, (byte) 1, (byte) 'a').toBytes();
        malformed(pastEnd, "needs 100 bytes", "truncated");
    }

    @Test
    void badTagsAndVarints() {
        malformed(new ProtoBytes().tag(9, 7).toBytes(), "invalid wire type 7");
        malformed(new ProtoBytes().tag(9, 4).toBytes(), "end-group");
        malformed(new ProtoBytes().tag(0, 0).varint(1).toBytes(), "field number 0");
        byte[] longVarint = new byte[12];
        Arrays.fill(longVarint, (byte) 0xFF);
        malformed(new ProtoBytes().tag(9, 0).raw(longVarint).toBytes(), "longer than 10 bytes");
        malformed(new ProtoBytes().tag(9, 3).varintField(1, 5).toBytes(), "not terminated");
    }

    @Test
    void badValues() {
        malformed(pieceWith(new ProtoBytes().stringField(1, "a").varintField(3, 9)), "not a known SentencePiece.Type");
        malformed(pieceWith(new ProtoBytes().floatField(2, 1f)), "no text");
        malformed(pieceWith(new ProtoBytes().bytesField(1, new byte[] {(byte) 0xC3})), "not valid UTF-8");
        malformed(new ProtoBytes().toBytes(), "no pieces");
        byte[] wideInt = new ProtoBytes().messageField(1, new ProtoBytes().stringField(1, "a"))
                .messageField(2, new ProtoBytes().varintField(40, 1L << 40)).toBytes();
        malformed(wideInt, "unk_id", "int32");
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() {
        TestModels m = TestModels.basic(false).normals("▁", "a");
        byte[] extra = new ProtoBytes().varintField(900, 5).tag(901, 1).raw(new byte[8]).floatField(902, 1f)
                .stringField(903, "x").tag(904, 3).varintField(1, 1).tag(904, 4).toBytes();
        byte[] base = m.bytes();
        byte[] data = Arrays.copyOf(extra, extra.length + base.length);
        System.arraycopy(base, 0, data, extra.length, base.length);
        SentencePieceModel model = SentencePieceModel.parse(data, "x.model");
        assertEquals(m.pieces.size(), model.size());
        assertEquals(SentencePieceModel.ModelType.BPE, model.trainer().modelType());
    }

    @Test
    void inconsistentModelsAreRefused() {
        TestModels dup = TestModels.basic(false).normals("a", "a");
        assertThrows(ModelFormatException.class, dup::bpe, "duplicate piece");
        TestModels noUnk = new TestModels();
        noUnk.byteFallback = false;
        noUnk.normals("a");
        assertTrue(assertThrows(ModelFormatException.class, noUnk::bpe).getMessage().contains("UNKNOWN"));
        TestModels bytesWithoutFallback = TestModels.basic(false).add("<0x41>", 0, TestModels.BYTE);
        assertTrue(assertThrows(ModelFormatException.class, bytesWithoutFallback::bpe).getMessage()
                .contains("byte_fallback is false"));
        TestModels missingByte = TestModels.basic(false);
        missingByte.byteFallback = true;
        missingByte.add("<0x00>", 0, TestModels.BYTE);
        assertTrue(assertThrows(ModelFormatException.class, missingByte::bpe).getMessage().contains("<0x01>"));
        TestModels nan = TestModels.basic(false).add("a", Float.NaN, TestModels.NORMAL);
        assertTrue(assertThrows(ModelFormatException.class, nan::bpe).getMessage().contains("NaN"));
    }

    @Test
    void unsupportedModelsAreRefusedNotSilentlyMisencoded() {
        TestModels unigram = TestModels.basic(false).normals("a");
        unigram.modelType = 1;
        assertTrue(assertThrows(UnsupportedModelException.class, unigram::bpe).getMessage().contains("UNIGRAM"));
        TestModels charsmap = TestModels.basic(false).normals("a");
        charsmap.charsmap = new byte[] {4, 0, 0, 0, 1, 2, 3, 4, 0};
        assertTrue(assertThrows(UnsupportedModelException.class, charsmap::bpe).getMessage()
                .contains("precompiled charsmap"));
    }

    @Test
    void missingTokenizerModelAndBadJsonAreClearErrors() throws IOException {
        assertThrows(ModelFormatException.class, () -> SentencePieceTokenizer.load(tmp));
        TestModels.basic(false).normals("▁", "a").write(tmp);
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{ not json");
        assertTrue(assertThrows(ModelFormatException.class, () -> SentencePieceTokenizer.load(tmp)).getMessage()
                .contains("tokenizer_config.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"bos_token\": \"<nope>\"}");
        assertTrue(assertThrows(ModelFormatException.class, () -> SentencePieceTokenizer.load(tmp)).getMessage()
                .contains("<nope>"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{}");
        Files.writeString(tmp.resolve("added_tokens.json"), "{\"<x>\": 5, \"<y>\": 5}");
        assertThrows(ModelFormatException.class, () -> SentencePieceTokenizer.load(tmp));
        Files.writeString(tmp.resolve("added_tokens.json"), "{}");
        Files.writeString(tmp.resolve("tokenizer_config.json"),
                "{\"added_tokens_decoder\": {\"9\": {\"content\": \"<x>\", \"lstrip\": true}}}");
        assertThrows(UnsupportedModelException.class, () -> SentencePieceTokenizer.load(tmp));
    }

    @Test
    void outOfRangeIdsAreClearErrors() {
        Tokenizer t = SentencePieceTokenizer.load(TokenizerGoldenTest.fixtureDir());
        VisionPanguException e = assertThrows(VisionPanguException.class, () -> t.decode(new int[] {1545}, false));
        assertTrue(e.getMessage().contains("1545"), e.getMessage());
        assertThrows(VisionPanguException.class, () -> t.streamingDecoder(true).feed(-1));
        try {
            t.token(99999);
            fail("expected an exception");
        } catch (VisionPanguException expected) {
            assertTrue(expected.getMessage().contains("99999"));
        }
    }
}
