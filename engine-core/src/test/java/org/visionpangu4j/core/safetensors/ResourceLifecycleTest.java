package org.visionpangu4j.core.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.TestData;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.visionpangu4j.core.safetensors.ProcessResources.mappings;
import static org.visionpangu4j.core.safetensors.ProcessResources.openFds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening and closing leaves nothing behind: no file descriptor and no mapping of the file in
 * {@code /proc/self/fd} and {@code /proc/self/maps}; a closed checkpoint and its tensors refuse use with an
 * exception, never a crash.
 */
class ResourceLifecycleTest {
    @TempDir
    Path dir;

    private Path copyOfFixture() throws IOException {
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.copy(TestData.tinyModel().resolve("model.safetensors"), model.resolve("model.safetensors"));
        return model;
    }

    @Test
    void thousandOpenCloseCyclesLeaveNothing() throws IOException {
        Path model = copyOfFixture();
        Path file = model.resolve("model.safetensors");
        assertEquals(0, openFds(file));
        assertEquals(0, mappings(file));
        try (Checkpoint c = Checkpoint.open(model)) {
            // Sanity: while open, the mapping is visible, so the counts below can see one.
            assertTrue(mappings(file) > 0, "an open checkpoint maps the file");
            assertEquals(0, openFds(file), "the channel is closed once mapped");
        }
        double sum = 0;
        for (int i = 0; i < 1000; i++) {
            try (Checkpoint c = Checkpoint.open(model)) {
                sum += c.tensor("language_model.model.norm.weight").getFloat(i % 96);
            }
        }
        assertTrue(Double.isFinite(sum));
        assertEquals(0, openFds(file), "file descriptors left open");
        assertEquals(0, mappings(file), "mappings left behind");
    }

    @Test
    void failedOpensLeaveNothing() throws IOException {
        // Shard 1 is fine and gets mapped; shard 2 is broken, so the open fails after a mapping exists.
        new SafeTensorsWriter().add("a", DType.F32, new long[]{1024}, SafeTensorsWriter.ofFloats(DType.F32, i -> i))
                .write(dir.resolve("s1.safetensors"));
        Files.write(dir.resolve("s2.safetensors"), new byte[]{1, 0, 0, 0, 0, 0, 0, 0, '{'});
        Files.writeString(dir.resolve(Checkpoint.INDEX),
                "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}}");
        for (int i = 0; i < 200; i++) {
            assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir));
        }
        assertEquals(0, openFds(dir.resolve("s1.safetensors")));
        assertEquals(0, openFds(dir.resolve("s2.safetensors")));
        assertEquals(0, mappings(dir.resolve("s1.safetensors")));
    }

    @Test
    void closedCheckpointAndItsTensorsThrow() throws IOException {
        Checkpoint c = Checkpoint.open(copyOfFixture());
        Tensor t = c.tensor("mlp1.1.weight");
        float before = t.getFloat(3);
        assertTrue(Float.isFinite(before));
        c.close();
        assertTrue(c.isClosed());
        c.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> c.tensor("mlp1.1.weight"));
        assertThrows(IllegalStateException.class, () -> c.has("mlp1.1.weight"));
        assertThrows(IllegalStateException.class, c::names);
        assertThrows(IllegalStateException.class, c::tensors);
        assertThrows(IllegalStateException.class, c::arena);
        assertThrows(IllegalStateException.class, () -> c.parameterCount(""));
        assertThrows(IllegalStateException.class, () -> t.getFloat(3));
        assertThrows(IllegalStateException.class, t::toFloatArray);
        assertFalse(t.data().scope().isAlive());
        // Metadata that needs no bytes stays readable.
        assertEquals(DType.BF16, t.dtype());
    }

    @Test
    void tensorOfClosedCheckpointThrowsInAnotherThread() throws Exception {
        Checkpoint c = Checkpoint.open(copyOfFixture());
        Tensor t = c.tensor("language_model.lm_head.weight");
        c.close();
        Throwable[] seen = new Throwable[1];
        Thread th = new Thread(() -> {
            try {
                t.getFloat(0);
            } catch (Throwable e) {
                seen[0] = e;
            }
        });
        th.start();
        th.join();
        assertTrue(seen[0] instanceof IllegalStateException, "got " + seen[0]);
    }
}
