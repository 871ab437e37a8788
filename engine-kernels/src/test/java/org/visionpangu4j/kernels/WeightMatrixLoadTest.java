package org.visionpangu4j.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.SafeTensorsWriter;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WeightMatrix#load}: converted from a temporary mapping it holds exactly the bits of a conversion of the
 * mapped tensor ({@link WeightMatrix#of}), leaves no mapping behind and does not put the tensor in use; as stored
 * it is the checkpoint's own view.
 */
class WeightMatrixLoadTest {
    private static final WorkerPool POOL = new WorkerPool(2);

    @TempDir
    Path dir;

    /** "w": a BF16 [48, 160] matrix of random values (160 columns: five 32-blocks). */
    private Path model() {
        float[] v = Matrices.gaussian(new Random(11), 48 * 160, 0.7f);
        new SafeTensorsWriter().add("w", DType.BF16, new long[]{48, 160}, SafeTensorsWriter.ofFloats(DType.BF16, v))
                .write(dir.resolve(Checkpoint.SINGLE));
        return dir;
    }

    private static long mappings(Path file) throws IOException {
        String real = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(real)).count();
    }

    private static void assertSameBits(WeightMatrix want, WeightMatrix got) {
        assertEquals(want.format(), got.format());
        assertEquals(want.rows(), got.rows());
        assertEquals(want.cols(), got.cols());
        assertEquals(want.byteSize(), got.byteSize());
        float[] a = new float[want.cols()];
        float[] b = new float[got.cols()];
        for (int r = 0; r < want.rows(); r++) {
            want.decodeRow(r, a, 0);
            got.decodeRow(r, b, 0);
            for (int c = 0; c < a.length; c++) {
                assertEquals(Float.floatToRawIntBits(a[c]), Float.floatToRawIntBits(b[c]), "W[" + r + ", " + c + "]");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = WeightFormat.class, names = {"Q8_0", "Q4_0", "F32", "F16"})
    void convertedFromATemporaryMappingEqualsConvertedFromTheMapping(WeightFormat format) throws IOException {
        Path file = model().resolve(Checkpoint.SINGLE);
        try (Checkpoint mapped = Checkpoint.open(dir); Checkpoint fresh = Checkpoint.open(dir)) {
            WeightMatrix want = WeightMatrix.of(mapped.tensor("w"), format, mapped.arena(), POOL);
            long before = mappings(file);
            WeightMatrix got = WeightMatrix.load(fresh, "w", format, UnaryOperator.identity(), POOL);
            assertSameBits(want, got);
            assertEquals(before, mappings(file), "the temporary mapping is gone");
            assertTrue(fresh.inUse().isEmpty(), "a converted tensor is not in use");
        }
    }

    @Test
    void anonymousMemoryNeverCopiesAConvertedTensor() {
        model();
        try (Checkpoint mapped = Checkpoint.open(dir); Checkpoint anon = Checkpoint.openInAnonymousMemory(dir)) {
            assertSameBits(WeightMatrix.of(mapped.tensor("w"), WeightFormat.Q8_0, mapped.arena(), POOL),
                    WeightMatrix.load(anon, "w", WeightFormat.Q8_0, UnaryOperator.identity(), POOL));
            assertTrue(anon.inUse().isEmpty());
            WeightMatrix stored = WeightMatrix.load(anon, "w", null, UnaryOperator.identity(), POOL);
            assertEquals(Set.of("w"), anon.inUse(), "as stored, it is copied and held");
            assertFalse(anon.tensor("w").data().isMapped());
            assertSameBits(WeightMatrix.wrap(mapped.tensor("w")), stored);
        }
    }

    @Test
    void asStoredIsTheCheckpointsView() {
        model();
        try (Checkpoint c = Checkpoint.open(dir)) {
            for (WeightFormat f : new WeightFormat[]{null, WeightFormat.BF16}) {
                WeightMatrix w = WeightMatrix.load(c, "w", f, UnaryOperator.identity(), POOL);
                assertEquals(WeightFormat.BF16, w.format());
                assertSame(c.tensor("w").data().scope(), c.arena().scope());
                assertEquals(c.tensor("w").getFloat(7), w.get(0, 7));
            }
            assertEquals(Set.of("w"), c.inUse());
        }
    }

    @Test
    void theCheckSeesTheTensorBeforeAnythingIsConverted() {
        model();
        try (Checkpoint c = Checkpoint.open(dir)) {
            UnaryOperator<Tensor> wrongShape = t -> t.expectShape(160, 48);
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> WeightMatrix.load(c, "w", WeightFormat.Q4_0, wrongShape, POOL));
            assertTrue(e.getMessage().contains("tensor w has shape [48, 160]"), e.getMessage());
            assertThrows(ModelFormatException.class, () -> WeightMatrix.load(c, "w", null, wrongShape, POOL));
        }
    }
}
