package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SentencePiece {@code ModelProto} ({@code tokenizer.model}) that encoding and decoding depend on,
 * read with a hand-written wire-format decoder. Field numbers follow {@code sentencepiece_model.proto}; absent
 * fields take the proto2 defaults declared there (e.g. model_type UNIGRAM, add_dummy_prefix true,
 * remove_extra_whitespaces true, escape_whitespaces true, unk/bos/eos/pad ids 0/1/2/-1).
 *
 * <p>This class only parses and checks structure; whether the model can be run is decided by {@link SentencePieceBpe}.
 */
public final class SentencePieceModel {

    /** {@code ModelProto.SentencePiece.Type}. */
    public enum PieceType {
        NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

        final int code;

        PieceType(int code) {
            this.code = code;
        }

        static PieceType of(int code) {
            for (PieceType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    /** {@code TrainerSpec.ModelType}. */
    public enum ModelType { UNIGRAM, BPE, WORD, CHAR }

    /** The {@code TrainerSpec} fields that affect encoding/decoding (the rest only affect training). */
    public record TrainerSpec(ModelType modelType, boolean byteFallback, boolean splitDigits,
                              boolean treatWhitespaceAsSuffix, int unkId, int bosId, int eosId, int padId,
                              String unkSurface) {
    }

    /** {@code NormalizerSpec}; {@code precompiledCharsmap} is empty for identity normalisation. */
    public record NormalizerSpec(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                                 boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
    }

    private final String source;
    private final String[] pieces;
    private final float[] scores;
    private final PieceType[] types;
    private final TrainerSpec trainer;
    private final NormalizerSpec normalizer;
    private final NormalizerSpec denormalizer;   // null when absent

    private SentencePieceModel(String source, String[] pieces, float[] scores, PieceType[] types,
                               TrainerSpec trainer, NormalizerSpec normalizer, NormalizerSpec denormalizer) {
        this.source = source;
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        this.trainer = trainer;
        this.normalizer = normalizer;
        this.denormalizer = denormalizer;
    }

    /** Reads and parses {@code file}. */
    public static SentencePieceModel read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read SentencePiece model: " + e.getMessage(), e);
        }
        return parse(data, file.toString());
    }

    /** Parses a serialized {@code ModelProto}; {@code source} names it in error messages. */
    public static SentencePieceModel parse(byte[] data, String source) {
        ProtoReader r = new ProtoReader(data, 0, data.length, source, "ModelProto");
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<PieceType> types = new ArrayList<>();
        TrainerSpec trainer = null;
        NormalizerSpec normalizer = null;
        NormalizerSpec denormalizer = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> readPiece(r.message("pieces[" + pieces.size() + "]"), pieces, scores, types);
                case 2 -> trainer = readTrainer(r.message("trainer_spec"));
                case 3 -> normalizer = readNormalizer(r.message("normalizer_spec"));
                case 5 -> denormalizer = readNormalizer(r.message("denormalizer_spec"));
                default -> r.skip();   // self_test_data (4) and extensions
            }
        }
        if (pieces.isEmpty()) {
            throw new ModelFormatException(source + ": SentencePiece model has no pieces (not a tokenizer.model?)");
        }
        if (trainer == null) {
            trainer = readTrainer(new ProtoReader(new byte[0], 0, 0, source, "ModelProto.trainer_spec"));
        }
        if (normalizer == null) {
            normalizer = readNormalizer(new ProtoReader(new byte[0], 0, 0, source, "ModelProto.normalizer_spec"));
        }
        float[] sc = new float[scores.size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = scores.get(i);
        }
        return new SentencePieceModel(source, pieces.toArray(String[]::new), sc, types.toArray(PieceType[]::new),
                trainer, normalizer, denormalizer);
    }

    private static void readPiece(ProtoReader r, List<String> pieces, List<Float> scores, List<PieceType> types) {
        String piece = null;
        float score = 0f;
        PieceType type = PieceType.NORMAL;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> piece = r.string("piece");
                case 2 -> score = r.fixed32Float("score");
                case 3 -> {
                    int code = r.int32("type");
                    type = PieceType.of(code);
                    if (type == null) {
                        throw r.error("type (field 3) = " + code + " is not a known SentencePiece.Type");
                    }
                }
                default -> r.skip();
            }
        }
        if (piece == null || piece.isEmpty()) {
            throw r.error("piece " + pieces.size() + " has no text (field 1 missing or empty)");
        }
        pieces.add(piece);
        scores.add(score);
        types.add(type);
    }

    private static TrainerSpec readTrainer(ProtoReader r) {
        int modelType = 1;
        boolean byteFallback = false;
        boolean splitDigits = false;
        boolean suffix = false;
        int unk = 0;
        int bos = 1;
        int eos = 2;
        int pad = -1;
        String unkSurface = " \u2047 ";
        while (r.next()) {
            switch (r.field()) {
                case 3 -> modelType = r.int32("model_type");
                case 24 -> suffix = r.bool("treat_whitespace_as_suffix");
                case 25 -> splitDigits = r.bool("split_digits");
                case 35 -> byteFallback = r.bool("byte_fallback");
                case 40 -> unk = r.int32("unk_id");
                case 41 -> bos = r.int32("bos_id");
                case 42 -> eos = r.int32("eos_id");
                case 43 -> pad = r.int32("pad_id");
                case 44 -> unkSurface = r.string("unk_surface");
                default -> r.skip();
            }
        }
        ModelType type = switch (modelType) {
            case 1 -> ModelType.UNIGRAM;
            case 2 -> ModelType.BPE;
            case 3 -> ModelType.WORD;
            case 4 -> ModelType.CHAR;
            default -> throw r.error("model_type (field 3) = " + modelType + " is not a known ModelType");
        };
        return new TrainerSpec(type, byteFallback, splitDigits, suffix, unk, bos, eos, pad, unkSurface);
    }

    private static NormalizerSpec readNormalizer(ProtoReader r) {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummyPrefix = true;
        boolean removeExtra = true;
        boolean escape = true;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string("name");
                case 2 -> charsmap = r.bytes("precompiled_charsmap");
                case 3 -> dummyPrefix = r.bool("add_dummy_prefix");
                case 4 -> removeExtra = r.bool("remove_extra_whitespaces");
                case 5 -> escape = r.bool("escape_whitespaces");
                default -> r.skip();
            }
        }
        return new NormalizerSpec(name, charsmap, dummyPrefix, removeExtra, escape);
    }

    public String source() {
        return source;
    }

    public int size() {
        return pieces.length;
    }

    public String piece(int id) {
        return pieces[id];
    }

    public float score(int id) {
        return scores[id];
    }

    public PieceType type(int id) {
        return types[id];
    }

    public TrainerSpec trainer() {
        return trainer;
    }

    public NormalizerSpec normalizer() {
        return normalizer;
    }

    /** The de-normalizer applied after decoding, or null when the model has none. */
    public NormalizerSpec denormalizer() {
        return denormalizer;
    }
}
