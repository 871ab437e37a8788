package org.visionpangu4j.llm.model;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.kernels.VectorMath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visionpangu4j.llm.model.Fixture.maxAbsDiff;

/**
 * The multimodal golden fed as precomputed embeddings ({@code inputs_embeds [171, 96]}, image features already
 * merged): prefill logits and all 24 KV-cache step logits ≤ 1e-3 (FIXTURE-README), generated ids exact.
 */
class MultimodalGoldenTest {
    static final double LOGITS_TOL = 1e-3;
    static final int IMG_CONTEXT = 1538; // added_tokens.json of the fixture

    @Test
    void textRowsOfInputsEmbedsAreTheDecodersEmbeddings() {
        try (Checkpoint model = Fixture.model(); Checkpoint golden = Fixture.golden("multimodal.safetensors")) {
            Decoder decoder = Fixture.decoder(model, WeightFormats.asStored());
            int hidden = decoder.hiddenSize();
            int[] ids = Fixture.ints(golden.tensor("input_ids"));
            float[] expected = golden.tensor("inputs_embeds").toFloatArray();
            float[] embeds = decoder.embed(ids);
            int text = 0;
            for (int t = 0; t < ids.length; t++) {
                if (ids[t] != IMG_CONTEXT) {
                    text++;
                    double d = maxAbsDiff(embeds, t * hidden, expected, t * hidden, hidden);
                    assertTrue(d <= 1e-4, "row " + t + " (id " + ids[t] + ") max abs diff " + d);
                }
            }
            assertTrue(text == 171 - 112, "59 text rows, 112 image rows");
        }
    }

    @Test
    void embeddingsPrefillAndGreedyDecode() {
        try (Checkpoint model = Fixture.model();
             Checkpoint golden = Fixture.golden("multimodal.safetensors");
             WorkerPool pool = new WorkerPool(2)) {
            Decoder decoder = Fixture.decoder(model, WeightFormats.asStored());
            int vocab = decoder.vocabSize();
            float[] embeds = golden.tensor("inputs_embeds").toFloatArray();
            float[] prefillLast = golden.tensor("prefill_logits_last").toFloatArray();
            float[] steps = golden.tensor("step_logits").toFloatArray();
            int[] expected = Fixture.ints(golden.tensor("generated_ids"));

            // Chunks of 64 rows: the 171-row prompt crosses two chunk boundaries.
            Session s = decoder.newSession(pool, SessionOptions.defaults().withPrefillChunk(64));
            float[] logits = s.prefill(embeds);
            double d0 = maxAbsDiff(logits, prefillLast);
            assertTrue(d0 <= LOGITS_TOL, "prefill_logits_last max abs diff " + d0);

            int[] got = new int[expected.length];
            for (int i = 0; i < expected.length; i++) {
                double d = maxAbsDiff(logits, 0, steps, i * vocab, vocab);
                assertTrue(d <= LOGITS_TOL, "step " + i + " logits max abs diff " + d);
                got[i] = VectorMath.argmax(logits, 0, vocab);
                if (i + 1 < expected.length) {
                    logits = s.decode(got[i]);
                }
            }
            assertArrayEquals(expected, got);
        }
    }
}
