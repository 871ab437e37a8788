package org.visionpangu4j.vision.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.vision.Fixtures;
import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.preprocess.ImagePreprocessor;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vision tower against golden/vision.safetensors (tile 0 of photo_board.jpg, and all 7 of its tiles), with the
 * FIXTURE-README tolerances: hidden states and pixel-shuffled features ≤ 1e-4, projector output ≤ 1e-4.
 */
class VisionGoldenTest {
    private static final double HIDDEN_TOL = 1e-4;
    private static final double PROJECTOR_TOL = 1e-4;

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

    /** The golden pixel_values of photo_board.jpg (3×2 grid + thumbnail). */
    private static PixelValues photoBoard() {
        Tensor t = preprocess.tensor("pixel_values.photo_board").expectShape(7, 3, 112, 112);
        return new PixelValues(t.toFloatArray(), 7, 112, 3, 2, true);
    }

    private static PixelValues tile0() {
        PixelValues all = photoBoard();
        return new PixelValues(Arrays.copyOf(all.data(), all.tileStride()), 1, 112, 1, 1, false);
    }

    private static void assertClose(String what, float[] got, Tensor want, double tol) {
        assertEquals(want.numel(), got.length, what + ": element count");
        double diff = Fixtures.maxAbsDiff(got, 0, want);
        System.out.println(what + ": max abs diff " + diff);
        assertTrue(diff <= tol, what + ": max abs diff " + diff + " > " + tol);
    }

    @Test
    void tile0HiddenStatesPixelShuffleAndProjector() {
        VisionModel vm = Fixtures.loadVision(model, VisionOptions.asStored(), pool);
        assertEquals(2, vm.layersRun());
        assertEquals(16, vm.tokensPerTile(112));
        assertEquals(96, vm.outputDim());
        VisionModel.Trace tr = vm.trace(tile0(), pool);
        assertEquals(3, tr.hiddenStates().size());
        for (int i = 0; i < 3; i++) {
            assertClose("tile0.hidden_state." + i, tr.hiddenStates().get(i), vision.tensor("tile0.hidden_state." + i), HIDDEN_TOL);
        }
        assertClose("tile0.pixel_shuffled", tr.pixelShuffled(), vision.tensor("tile0.pixel_shuffled"), HIDDEN_TOL);
        assertClose("tile0.mlp1", tr.projected(), vision.tensor("tile0.mlp1"), PROJECTOR_TOL);
    }

    @Test
    void allTilesBatched() {
        VisionModel vm = Fixtures.loadVision(model, null, pool);
        float[] out = vm.encode(photoBoard(), pool);
        assertArrayEquals(new long[] {7, 16, 96}, vision.tensor("all_tiles.mlp1").shape());
        assertClose("all_tiles.mlp1", out, vision.tensor("all_tiles.mlp1"), PROJECTOR_TOL);
    }

    @Test
    void mlpChunkingDoesNotChangeTheResult() {
        // 7 tiles × 65 tokens = 455 rows: one chunk, 2 chunks (the default 256), 8 chunks of 56–57 rows. A GEMM row's
        // result does not depend on its batch, so the bits are the same.
        VisionModel vm = Fixtures.loadVision(model, null, pool);
        PixelValues pv = photoBoard();
        float[] whole = vm.encode(pv, pool, 455);
        assertArrayEquals(whole, vm.encode(pv, pool, VisionModel.MLP_ROWS));
        float[] small = vm.encode(pv, pool, 64);
        assertArrayEquals(whole, small);
        assertClose("all_tiles.mlp1 (8 MLP chunks)", small, vision.tensor("all_tiles.mlp1"), PROJECTOR_TOL);
    }

    @Test
    void imageFileToTokensEndToEnd() {
        // Our own decode + preprocessing is bit-exact for this JPEG, so the whole path meets the projector tolerance.
        PixelValues pv = new ImagePreprocessor(Fixtures.tiling())
                .preprocess(new ImageDecoder().decode(Fixtures.dir().resolve("images/photo_board.jpg")));
        assertEquals(7, pv.tiles());
        try (WorkerPool one = new WorkerPool(1)) {
            float[] out = Fixtures.loadVision(model, VisionOptions.asStored(), pool).encode(pv, one);
            assertClose("end-to-end all_tiles.mlp1 (1 thread)", out, vision.tensor("all_tiles.mlp1"), PROJECTOR_TOL);
        }
    }

    @Test
    void selectLayerRunsOnlyTheLayersNeeded() {
        VisionModel vm = Fixtures.loadVision(model, -2, VisionOptions.asStored(), pool);
        assertEquals(1, vm.layersRun());
        VisionModel.Trace tr = vm.trace(tile0(), pool);
        assertEquals(2, tr.hiddenStates().size());
        assertClose("select_layer -2 → hidden_state.1", tr.hiddenStates().get(1), vision.tensor("tile0.hidden_state.1"),
                HIDDEN_TOL);
        // The shuffled features are those of hidden_state.1 (CLS dropped), not of the last layer.
        float[] want = PixelShuffle.shuffle(vision.tensor("tile0.hidden_state.1").toFloatArray(), 1, 1, 8, 64, 2, true);
        assertTrue(Fixtures.maxAbsDiff(tr.pixelShuffled(), 0, want, 0, want.length) <= HIDDEN_TOL);
        assertEquals(2, Fixtures.projector(-1).layersToRun(2));
        assertEquals(0, Fixtures.projector(-3).layersToRun(2));
        assertEquals(1, Fixtures.projector(1).layersToRun(2));
    }
}
