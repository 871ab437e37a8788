package org.visionpangu4j.llm.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.WeightMatrix;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visionpangu4j.llm.model.Fixture.maxAbsDiff;

/** Loading from both name layouts, tied heads, and the errors for checkpoints that do not match the config. */
class DecoderWeightsTest {
    static final String INTERNVL = "language_model.model.";

    static Checkpoint model;
    static Checkpoint golden;
    static DecoderConfig cfg;
    static WorkerPool pool;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = Fixture.model();
        golden = Fixture.golden("text.safetensors");
        cfg = Fixture.config();
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void close() {
        pool.close();
        golden.close();
        model.close();
    }

    /**
     * The fixture's decoder tensors written under new names ({@code rename} returns null to drop one); the
     * vision tower and projector are left out, as in a plain openPangu checkpoint.
     */
    Checkpoint rewrite(UnaryOperator<String> rename) {
        SafeTensorsWriter out = new SafeTensorsWriter();
        for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
            if (e.getKey().startsWith("language_model.")) {
                String name = rename.apply(e.getKey());
                if (name != null) {
                    Tensor t = e.getValue();
                    out.add(name, t.dtype(), t.shape(), SafeTensorsWriter.ofSegment(t.data()));
                }
            }
        }
        Path file = tmp.resolve("model.safetensors");
        out.write(file);
        return Checkpoint.open(file);
    }

    static String plain(String name) {
        return name.replace("language_model.", "");
    }

    static DecoderConfig withTie(DecoderConfig c, boolean tie) {
        return new DecoderConfig(c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim(), c.vocabSize(), c.ropeTheta(), c.rmsNormEps(), c.qkvBias(), c.outputBias(), tie,
                c.maxPositionEmbeddings());
    }

    static DecoderConfig withLayers(DecoderConfig c, int layers) {
        return new DecoderConfig(c.hiddenSize(), c.intermediateSize(), layers, c.numHeads(), c.numKvHeads(),
                c.headDim(), c.vocabSize(), c.ropeTheta(), c.rmsNormEps(), c.qkvBias(), c.outputBias(),
                c.tieWordEmbeddings(), c.maxPositionEmbeddings());
    }

    static DecoderConfig withBiases(DecoderConfig c, boolean qkv, boolean output) {
        return new DecoderConfig(c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim(), c.vocabSize(), c.ropeTheta(), c.rmsNormEps(), qkv, output, c.tieWordEmbeddings(),
                c.maxPositionEmbeddings());
    }

    static DecoderWeights load(Checkpoint c, DecoderTensorNames names, DecoderConfig cfg) {
        return DecoderWeights.load(c, names, cfg, WeightFormats.asStored(), pool);
    }

    static float[] allLogits(DecoderWeights w) {
        return new Decoder(w).newSession(pool).prefillAllLogits(Fixture.ints(golden.tensor("input_ids")));
    }

    @Test
    void plainOpenPanguNamesLoadAndMatchTheGolden() {
        try (Checkpoint c = rewrite(DecoderWeightsTest::plain)) {
            DecoderWeights w = load(c, new DecoderTensorNames("model.", "lm_head.weight"), cfg);
            assertFalse(w.tied());
            double d = maxAbsDiff(allLogits(w), golden.tensor("logits").toFloatArray());
            assertTrue(d <= 1e-3, "logits max abs diff " + d);
        }
    }

    @Test
    void hfInternVlNamesLoadToo() {
        try (Checkpoint c = rewrite(n -> n.replace("language_model.model.", "model.language_model.")
                .replace("language_model.lm_head.", "lm_head."))) {
            DecoderWeights w = load(c, new DecoderTensorNames("model.language_model.", "lm_head.weight"), cfg);
            assertFalse(w.tied());
            double d = maxAbsDiff(allLogits(w), golden.tensor("logits").toFloatArray());
            assertTrue(d <= 1e-3, "logits max abs diff " + d);
        }
    }

    @Test
    void aMissingLmHeadIsAnErrorUnlessTheConfigTies() {
        try (Checkpoint c = rewrite(n -> n.endsWith("lm_head.weight") ? null : n)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> Fixture.weights(c, cfg));
            assertTrue(e.getMessage().contains("tie_word_embeddings false")
                    && e.getMessage().contains("language_model.lm_head.weight"), e.getMessage());
        }
    }

    @Test
    void tiedWithoutLmHeadTheEmbeddingIsTheHead() {
        try (Checkpoint c = rewrite(n -> n.endsWith("lm_head.weight") ? null : n)) {
            DecoderWeights w = Fixture.weights(c, withTie(cfg, true));
            assertTrue(w.tied());
            assertSame(w.embedding(), w.lmHead());
            // Expected logits: the golden final-norm rows times the embedding, E[vocab, hidden] · h[hidden].
            float[] h = golden.tensor("final_norm").toFloatArray();
            WeightMatrix e = w.embedding();
            int hidden = cfg.hiddenSize();
            int vocab = e.rows();
            int T = h.length / hidden;
            float[] expected = new float[T * vocab];
            for (int t = 0; t < T; t++) {
                for (int v = 0; v < vocab; v++) {
                    double s = 0;
                    for (int i = 0; i < hidden; i++) {
                        s += (double) e.get(v, i) * h[t * hidden + i];
                    }
                    expected[t * vocab + v] = (float) s;
                }
            }
            double d = maxAbsDiff(allLogits(w), expected);
            assertTrue(d <= 1e-3, "tied logits max abs diff " + d);
        }
    }

    @Test
    void aConfigThatTiesUsesTheEmbeddingEvenIfAHeadIsStored() {
        DecoderWeights w = Fixture.weights(model, withTie(cfg, true));
        assertTrue(w.tied());
        assertSame(w.embedding(), w.lmHead());
    }

    @Test
    void aWrongShapeNamesTheTensor() {
        String bad = INTERNVL + "layers.1.self_attn.k_proj.weight";
        SafeTensorsWriter out = new SafeTensorsWriter();
        model.tensors().forEach((n, t) -> out.add(n.equals(bad) ? t.reshape(t.dim(1), t.dim(0)) : t));
        Path file = tmp.resolve("bad.safetensors");
        out.write(file);
        try (Checkpoint c = Checkpoint.open(file)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> Fixture.weights(c, cfg));
            assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("[32, 96]"), e.getMessage());
        }
    }

    @Test
    void aMissingTensorIsNamed() {
        String gone = INTERNVL + "layers.1.mlp.up_proj.weight";
        try (Checkpoint c = rewrite(n -> n.equals(gone) ? null : n)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> Fixture.weights(c, cfg));
            assertTrue(e.getMessage().contains(gone), e.getMessage());
        }
    }

    @Test
    void missingBiasesAreAnErrorWhenTheConfigHasThem() {
        String gone = INTERNVL + "layers.0.self_attn.o_proj.bias";
        try (Checkpoint c = rewrite(n -> n.equals(gone) ? null : n)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> Fixture.weights(c, cfg));
            assertTrue(e.getMessage().contains(gone), e.getMessage());
        }
    }

    @Test
    void aBiasTheConfigDoesNotHaveMustNotBeStored() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Fixture.weights(model, withBiases(cfg, true, false)));
        assertTrue(e.getMessage().contains("o_proj.bias") && e.getMessage().contains("no bias"), e.getMessage());
    }

    @Test
    void qkvBiasWithoutOutputBiasLoads() {
        // The Qwen2 flavour: biases on q, k and v only (the stored o_proj biases dropped from the file).
        try (Checkpoint c = rewrite(n -> n.endsWith("o_proj.bias") ? null : n)) {
            DecoderWeights w = Fixture.weights(c, withBiases(cfg, true, false));
            assertTrue(w.layer(0).bq() != null && w.layer(0).bo() == null);
        }
    }

    @Test
    void moreLayersThanTheConfigSaysIsAnError() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Fixture.weights(model, withLayers(cfg, 1)));
        assertTrue(e.getMessage().contains("layers.1.") && e.getMessage().contains("num_hidden_layers is 1"),
                e.getMessage());
    }

    @Test
    void aCheckpointWithoutADecoderIsRefused() {
        try (Checkpoint c = rewrite(n -> n.contains("embed_tokens") ? null : n)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> Fixture.weights(c, cfg));
            assertTrue(e.getMessage().contains("no decoder found"), e.getMessage());
        }
    }
}
