package org.visionpangu4j.llm.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.kernels.WeightMatrix;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visionpangu4j.llm.model.Fixture.maxAbsDiff;

/**
 * Weights quantized at load. A quantized decoder must compute exactly what an F32 decoder computes over the
 * dequantized weights (activations stay F32 in every kernel), so it is checked against that with the golden
 * logit tolerance, 1e-3. How far quantization itself moves the logits from the golden is a property of the
 * format, not of this code; it is measured and reported, not asserted.
 */
class QuantizedDecoderTest {
    static final double LOGITS_TOL = 1e-3;

    static Checkpoint model;
    static DecoderConfig cfg;
    static WorkerPool pool;
    static int[] ids;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = Fixture.model();
        cfg = Fixture.config();
        pool = new WorkerPool(2);
        try (Checkpoint golden = Fixture.golden("text.safetensors")) {
            ids = Fixture.ints(golden.tensor("input_ids"));
        }
    }

    @AfterAll
    static void close() {
        pool.close();
        model.close();
    }

    /** The fixture's decoder with every matrix replaced by its {@code format} round trip, stored as F32. */
    Checkpoint dequantized(WeightFormat format) {
        Path file = tmp.resolve("dequantized-" + format + ".safetensors");
        try (Arena arena = Arena.ofShared()) {
            SafeTensorsWriter out = new SafeTensorsWriter();
            for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
                Tensor t = e.getValue();
                if (!e.getKey().startsWith("language_model.")) {
                    continue;
                }
                if (t.rank() == 2) {
                    WeightMatrix m = WeightMatrix.of(t, format, arena, pool);
                    int cols = m.cols();
                    out.add(e.getKey(), DType.F32, t.shape(),
                            SafeTensorsWriter.ofFloats(DType.F32, i -> m.get((int) (i / cols), (int) (i % cols))));
                } else {
                    out.add(t);
                }
            }
            out.write(file);
        }
        return Checkpoint.open(file);
    }

    @ParameterizedTest
    @EnumSource(value = WeightFormat.class, names = {"Q8_0", "Q4_0"})
    void quantizedDecoderComputesWithTheDequantizedWeights(WeightFormat format) {
        Decoder quantized = Fixture.decoder(model, WeightFormats.all(format));
        for (int l = 0; l < cfg.numLayers(); l++) {
            assertEquals(format, quantized.weights().layer(l).wq().format());
            assertEquals(format, quantized.weights().layer(l).wDown().format());
        }
        assertEquals(format, quantized.weights().embedding().format());
        assertEquals(format, quantized.weights().lmHead().format());
        try (Checkpoint f32 = dequantized(format)) {
            Decoder reference = Fixture.decoder(f32, WeightFormats.asStored());
            assertEquals(WeightFormat.F32, reference.weights().layer(0).wq().format());
            float[] expected = reference.newSession(pool).prefillAllLogits(ids);
            double d = maxAbsDiff(quantized.newSession(pool).prefillAllLogits(ids), expected);
            assertTrue(d <= LOGITS_TOL, format + " prefill logits vs dequantized F32: " + d);

            // Decode steps (GEMV path) too.
            Session q = quantized.newSession(pool);
            Session r = reference.newSession(pool);
            float[] lq = q.prefill(ids);
            float[] lr = r.prefill(ids);
            for (int step = 0; step < 4; step++) {
                double ds = maxAbsDiff(lq, lr);
                assertTrue(ds <= LOGITS_TOL, format + " decode step " + step + ": " + ds);
                int next = org.visionpangu4j.kernels.VectorMath.argmax(lr, 0, lr.length);
                lq = q.decode(next);
                lr = r.decode(next);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = WeightFormat.class, names = {"Q8_0", "Q4_0"})
    void quantizedWeightsKeepNothingOfTheStoredDecoder(WeightFormat format) {
        // Matrices are converted from temporary mappings and vectors read to the heap, so no decoder tensor is in
        // use (held mapped, preloaded, or copied to anonymous memory), and every residency holds the same bits.
        try (Checkpoint mapped = Checkpoint.open(Fixture.dir());
             Checkpoint anon = Checkpoint.openInAnonymousMemory(Fixture.dir())) {
            DecoderWeights a = Fixture.weights(mapped, cfg, WeightFormats.all(format));
            DecoderWeights b = Fixture.weights(anon, cfg, WeightFormats.all(format));
            assertTrue(mapped.inUse().isEmpty(), "in use: " + mapped.inUse());
            assertTrue(anon.inUse().isEmpty(), "copied: " + anon.inUse());
            assertSameBits(a.embedding(), b.embedding());
            assertSameBits(a.lmHead(), b.lmHead());
            for (int l = 0; l < cfg.numLayers(); l++) {
                LayerWeights x = a.layer(l);
                LayerWeights y = b.layer(l);
                assertSameBits(x.wq(), y.wq());
                assertSameBits(x.wk(), y.wk());
                assertSameBits(x.wv(), y.wv());
                assertSameBits(x.wo(), y.wo());
                assertSameBits(x.wGate(), y.wGate());
                assertSameBits(x.wUp(), y.wUp());
                assertSameBits(x.wDown(), y.wDown());
                org.junit.jupiter.api.Assertions.assertArrayEquals(x.bq(), y.bq());
                org.junit.jupiter.api.Assertions.assertArrayEquals(x.mlpNorm(), y.mlpNorm());
            }
        }
    }

    private static void assertSameBits(WeightMatrix want, WeightMatrix got) {
        assertEquals(want.format(), got.format());
        assertEquals(want.byteSize(), got.byteSize());
        float[] a = new float[want.cols()];
        float[] b = new float[got.cols()];
        for (int r = 0; r < want.rows(); r++) {
            want.decodeRow(r, a, 0);
            got.decodeRow(r, b, 0);
            for (int c = 0; c < a.length; c++) {
                assertEquals(Float.floatToRawIntBits(a[c]), Float.floatToRawIntBits(b[c]), want + " [" + r + ", " + c + "]");
            }
        }
    }

    @Test
    void asStoredTheDecoderMatricesAreInUse() {
        try (Checkpoint c = Checkpoint.open(Fixture.dir())) {
            Fixture.decoder(c, WeightFormats.asStored());
            assertTrue(c.inUse().contains("language_model.model.layers.0.mlp.down_proj.weight"), c.inUse().toString());
            assertTrue(c.inUse().contains("language_model.lm_head.weight"));
            assertTrue(c.inUse().stream().noneMatch(n -> n.endsWith("norm.weight") || n.endsWith(".bias")),
                    "vectors are read to the heap, not held: " + c.inUse());
        }
    }

    @Test
    void eachGroupGetsItsOwnFormat() {
        WeightFormats f = new WeightFormats(WeightFormat.Q8_0, WeightFormat.Q4_0, null, WeightFormat.Q8_0);
        DecoderWeights w = Fixture.weights(model, cfg, f);
        LayerWeights l0 = w.layer(0);
        for (WeightMatrix m : new WeightMatrix[] {l0.wq(), l0.wk(), l0.wv(), l0.wo()}) {
            assertEquals(WeightFormat.Q8_0, m.format(), m.name());
        }
        for (WeightMatrix m : new WeightMatrix[] {l0.wGate(), l0.wUp(), l0.wDown()}) {
            assertEquals(WeightFormat.Q4_0, m.format(), m.name());
        }
        assertEquals(WeightFormat.BF16, w.embedding().format());
        assertEquals(WeightFormat.Q8_0, w.lmHead().format());
        assertTrue(w.byteSize() < Fixture.weights(model, cfg).byteSize());
    }

    @Test
    void aTiedHeadIsSharedOnlyWhenBothGroupsAskForTheSameFormat() {
        DecoderConfig tied = DecoderWeightsTest.withTie(cfg, true);
        DecoderWeights split = Fixture.weights(model, tied, WeightFormats.asStored().withLmHead(WeightFormat.Q8_0));
        assertEquals(WeightFormat.BF16, split.embedding().format());
        assertEquals(WeightFormat.Q8_0, split.lmHead().format());
        assertNotSame(split.embedding(), split.lmHead());
        assertEquals(split.embedding().rows(), split.lmHead().rows());

        DecoderWeights shared = Fixture.weights(model, tied, WeightFormats.all(WeightFormat.Q8_0));
        assertSame(shared.embedding(), shared.lmHead());
        assertEquals(WeightFormat.Q8_0, shared.lmHead().format());
    }
}
