package org.visionpangu4j.bench.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.bench.e2e.RandomCheckpoint.Shape;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.llm.model.DecoderConfig;
import org.visionpangu4j.model.ModelSpec;
import org.visionpangu4j.model.layout.CheckpointLayout;
import org.visionpangu4j.vision.model.VisionConfig;
import org.visionpangu4j.vision.preprocess.TilingConfig;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomCheckpointTest {
    @TempDir
    Path dir;

    /** The real shape's tensor list adds up to the published parameter count (InternViT-300M + mlp1 + decoder). */
    @Test
    void realShapeHasVisionPangusParameterCount() {
        assertEquals(1_704_172_032L, RandomCheckpoint.parameterCount(Shape.visionPangu()));
        // Parts, same table: ViT 304,012,288; mlp1 8,662,016; untied LLM 1,391,497,728.
        long vit = 0;
        long mlp1 = 0;
        for (RandomCheckpoint.Spec s : RandomCheckpoint.tensors(Shape.visionPangu())) {
            if (s.name().startsWith("vision_model.")) {
                vit += s.numel();
            } else if (s.name().startsWith("mlp1.")) {
                mlp1 += s.numel();
            }
        }
        assertEquals(304_012_288L, vit);
        assertEquals(8_662_016L, mlp1);
    }

    @Test
    void realShapeConfigParses() throws IOException {
        Path d = Files.createDirectories(dir.resolve("config-only"));
        Files.writeString(d.resolve("config.json"), RandomCheckpoint.config(Shape.visionPangu()).toString());
        ModelSpec c = ModelSpec.read(d, RandomCheckpoint.tensors(Shape.visionPangu()).stream()
                .map(RandomCheckpoint.Spec::name).toList());
        assertEquals(new VisionConfig(1024, 4096, 24, 16, 14, 448, 3, 1e-6, true), c.vision().tower());
        assertEquals(new DecoderConfig(1536, 6144, 26, 12, 6, 128, 153376, 4e6, 1e-5, true, true, false, 32768),
                c.decoder());
        assertEquals(256, c.tokensPerTile());
        assertTrue(c.vision().projector().psV2());
        assertEquals(-1, c.vision().projector().selectLayer());
        assertEquals(new TilingConfig(448, true, 1, 12, true), c.vision().tiling());
    }

    @Test
    void tinyCheckpointLoadsBackWithPlausibleValues() {
        Path model = RandomCheckpoint.ensure(dir.resolve("random"), Shape.tiny(), 7);
        try (Checkpoint c = Checkpoint.open(model)) {
            ModelSpec cfg = ModelSpec.read(model, c.names());
            assertEquals(2, cfg.vision().tower().numLayers());
            assertEquals(300, cfg.decoder().vocabSize());
            assertEquals(CheckpointLayout.INTERNVL_NATIVE, cfg.layout());
            assertEquals(RandomCheckpoint.tensors(Shape.tiny()).size(), c.names().size());
            assertEquals(RandomCheckpoint.parameterCount(Shape.tiny()), c.parameterCount(""));
            for (RandomCheckpoint.Spec s : RandomCheckpoint.tensors(Shape.tiny())) {
                Tensor t = c.tensor(s.name());
                assertEquals(DType.BF16, t.dtype());
                assertArrayEquals(s.shape(), t.shape(), s.name());
            }
            assertArrayEquals(new long[]{300, 48}, c.tensor("language_model.lm_head.weight").shape());
            assertArrayEquals(new long[]{48, 128}, c.tensor("mlp1.1.weight").shape());
            assertArrayEquals(new long[]{1, 17, 32}, c.tensor("vision_model.embeddings.position_embedding").shape());
            assertStats(c.tensor("language_model.model.layers.1.mlp.down_proj.weight"), 0, 0.02, 0.035);
            assertStats(c.tensor("language_model.model.embed_tokens.weight"), 0, 0.02, 0.035);
            assertStats(c.tensor("language_model.model.norm.weight"), 1, 0.05 / Math.sqrt(3), 0.05);
            assertStats(c.tensor("vision_model.encoder.layers.0.ls1"), 0.1, 0.01 / Math.sqrt(3), 0.0101);
        }
    }

    /** Mean near {@code mean}, standard deviation near {@code std}, every value within {@code mean ± bound}. */
    private static void assertStats(Tensor t, double mean, double std, double bound) {
        float[] v = t.toFloatArray();
        double m = Arrays.stream(toDouble(v)).average().orElseThrow();
        double var = Arrays.stream(toDouble(v)).map(x -> (x - m) * (x - m)).average().orElseThrow();
        double tol = 4 * std / Math.sqrt(v.length) + 1e-3;
        assertEquals(mean, m, tol, t.name() + " mean");
        assertEquals(std, Math.sqrt(var), 0.15 * std, t.name() + " std");
        for (float x : v) {
            assertTrue(Float.isFinite(x) && Math.abs(x - mean) <= bound, t.name() + " value " + x);
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void secondCallReusesTheDirectory() throws IOException {
        Path target = dir.resolve("random");
        RandomCheckpoint.ensure(target, Shape.tiny(), 7);
        Path weights = target.resolve("model.safetensors");
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(weights, old);
        RandomCheckpoint.ensure(target, Shape.tiny(), 7);
        assertEquals(old, Files.getLastModifiedTime(weights), "not rewritten");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary directory left behind");
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        byte[] a = Files.readAllBytes(RandomCheckpoint.ensure(dir.resolve("a"), Shape.tiny(), 1).resolve("model.safetensors"));
        byte[] b = Files.readAllBytes(RandomCheckpoint.ensure(dir.resolve("b"), Shape.tiny(), 1).resolve("model.safetensors"));
        byte[] c = Files.readAllBytes(RandomCheckpoint.ensure(dir.resolve("c"), Shape.tiny(), 2).resolve("model.safetensors"));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void refusesADirectoryWrittenWithOtherParameters() throws IOException {
        Path target = dir.resolve("random");
        RandomCheckpoint.ensure(target, Shape.tiny(), 7);
        VisionPanguException e = assertThrows(VisionPanguException.class,
               () -> RandomCheckpoint.ensure(target, Shape.tiny(), 8));
        assertTrue(e.getMessage().contains("is not the random checkpoint asked for"), e.getMessage());
        Path foreign = Files.createDirectory(dir.resolve("foreign"));
        assertThrows(VisionPanguException.class, () -> RandomCheckpoint.ensure(foreign, Shape.tiny(), 7));
        assertTrue(Files.exists(target.resolve("model.safetensors")), "nothing deleted");
    }

    @Test
    void defaultDirectoryIsUnderTheRepository() {
        String old = System.getProperty("visionpangu.home");
        try {
            System.setProperty("visionpangu.home", "/repo");
            assertEquals(Path.of("/repo/.bench-cache/visionpangu-random"), RandomCheckpoint.defaultDirectory());
            System.setProperty("visionpangu.bench.model", "/elsewhere/m");
            assertEquals(Path.of("/elsewhere/m"), RandomCheckpoint.defaultDirectory());
        } finally {
            System.clearProperty("visionpangu.bench.model");
            if (old == null) {
                System.clearProperty("visionpangu.home");
            } else {
                System.setProperty("visionpangu.home", old);
            }
        }
    }
}
