package org.visionpangu4j.vision.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.vision.Fixtures;
import org.visionpangu4j.vision.preprocess.PixelValues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quantized vision linears and tiles of a size the position grid was not trained for. */
class VisionOptionsTest {
    private static Checkpoint model;
    private static Checkpoint vision;
    private static Checkpoint preprocess;
    private static WorkerPool pool;

    @BeforeAll
    static void open() {
        model = Checkpoint.open(Fixtures.dir());
        vision = Checkpoint.open(Fixtures.golden("vision.safetensors"));
        preprocess = Checkpoint.open(Fixtures.golden("preprocess.safetensors"));
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void close() {
        pool.close();
        preprocess.close();
        vision.close();
        model.close();
    }

    @Test
    void q8LinearsStayCloseToTheFp32Reference() {
        PixelValues pv = new PixelValues(preprocess.tensor("pixel_values.photo_board").toFloatArray(), 7, 112, 3, 2, true);
        float[] out = Fixtures.loadVision(model, VisionOptions.all(WeightFormat.Q8_0), pool).encode(pv, pool);
        Tensor want = vision.tensor("all_tiles.mlp1");
        // No golden exists for Q8_0 (the README tolerances are for an FP32 engine): require the quantization
        // error to stay a small fraction of the signal, RMS(error) ≤ 2 % of RMS(reference).
        double err = 0;
        double ref = 0;
        for (int i = 0; i < out.length; i++) {
            double w = want.getFloat(i);
            err += (out[i] - w) * (out[i] - w);
            ref += w * w;
        }
        double rel = Math.sqrt(err / ref);
        System.out.println("Q8_0 vision linears: relative RMS error vs FP32 golden " + rel);
        assertTrue(rel > 0 && rel <= 0.02, "relative RMS error " + rel);
    }

    @Test
    void tilesOfAnotherSizeInterpolateThePositionGrid() {
        // 224-pixel tiles: 16×16 patches (trained grid 8×8) → 64 image tokens per tile after the 2×2 shuffle.
        VisionModel vm = Fixtures.loadVision(model, VisionOptions.asStored(), pool);
        float[] px = new float[2 * 3 * 224 * 224];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) Math.sin(i * 0.001);
        }
        VisionModel.Trace tr = vm.trace(new PixelValues(px, 2, 224, 2, 1, false), pool);
        assertEquals(64, vm.tokensPerTile(224));
        assertEquals(2 * 64 * 96, tr.projected().length);
        assertEquals(2 * 257 * 64, tr.hiddenStates().get(0).length);
        // CLS row of the embeddings is class + position[0] (never interpolated), identical for both tiles.
        float[] cls = model.tensor("vision_model.embeddings.class_embedding").toFloatArray();
        float[] pos = model.tensor("vision_model.embeddings.position_embedding").toFloatArray();
        float[] h0 = tr.hiddenStates().get(0);
        for (int i = 0; i < 64; i++) {
            assertEquals(cls[i] + pos[i], h0[i], 0f);
            assertEquals(cls[i] + pos[i], h0[257 * 64 + i], 0f);
        }
        for (float v : tr.projected()) {
            assertTrue(Float.isFinite(v));
        }
    }
}
