package org.visionpangu4j.llm.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds small SentencePiece ModelProto files for tests. */
final class TestModels {
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;

    record Piece(String text, float score, int type) {
    }

    final List<Piece> pieces = new ArrayList<>();
    int modelType = 2;
    boolean byteFallback = true;
    boolean addDummyPrefix = true;
    boolean removeExtraWhitespaces = false;
    boolean whitespaceAsSuffix = false;
    byte[] charsmap = new byte[0];

    /** {@code <unk>}, {@code <s>}, {@code </s>} and (with byte fallback) the 256 byte pieces. */
    static TestModels basic(boolean withBytes) {
        TestModels m = new TestModels();
        m.add("<unk>", 0, UNKNOWN).add("<s>", 0, CONTROL).add("</s>", 0, CONTROL);
        m.byteFallback = withBytes;
        if (withBytes) {
            for (int b = 0; b < 256; b++) {
                m.add(String.format("<0x%02X>", b), 0, BYTE);
            }
        }
        return m;
    }

    TestModels add(String text, float score, int type) {
        pieces.add(new Piece(text, score, type));
        return this;
    }

    /** Normal pieces with descending scores 0, -1, -2, ... in the given order. */
    TestModels normals(String... texts) {
        for (String t : texts) {
            add(t, -pieces.size(), NORMAL);
        }
        return this;
    }

    int id(String text) {
        for (int i = 0; i < pieces.size(); i++) {
            if (pieces.get(i).text().equals(text)) {
                return i;
            }
        }
        throw new IllegalArgumentException(text);
    }

    byte[] bytes() {
        ProtoBytes model = new ProtoBytes();
        for (Piece p : pieces) {
            ProtoBytes pb = new ProtoBytes().stringField(1, p.text()).floatField(2, p.score());
            if (p.type() != NORMAL) {
                pb.varintField(3, p.type());
            }
            model.messageField(1, pb);
        }
        ProtoBytes trainer = new ProtoBytes().varintField(3, modelType).varintField(35, byteFallback ? 1 : 0)
                .varintField(24, whitespaceAsSuffix ? 1 : 0).varintField(40, 0).varintField(41, 1)
                .varintField(42, 2).varintField(43, -1L);
        model.messageField(2, trainer);
        ProtoBytes norm = new ProtoBytes().stringField(1, charsmap.length == 0 ? "identity" : "nmt_nfkc")
                .bytesField(2, charsmap).varintField(3, addDummyPrefix ? 1 : 0)
                .varintField(4, removeExtraWhitespaces ? 1 : 0).varintField(5, 1);
        model.messageField(3, norm);
        return model.toBytes();
    }

    SentencePieceBpe bpe() {
        return new SentencePieceBpe(SentencePieceModel.parse(bytes(), "test.model"));
    }

    /** Writes tokenizer.model (and nothing else) into {@code dir}. */
    Path write(Path dir) {
        try {
            Files.write(dir.resolve("tokenizer.model"), bytes());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
