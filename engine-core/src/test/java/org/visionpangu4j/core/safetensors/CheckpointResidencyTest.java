package org.visionpangu4j.core.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.visionpangu4j.core.safetensors.ProcessResources.mappings;
import static org.visionpangu4j.core.safetensors.ProcessResources.openFds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways a checkpoint lets tensors be read without keeping them resident: temporary mappings (unmapped after use,
 * nothing left behind), heap copies read without mapping, anonymous memory copied lazily (only tensors in use), the
 * in-use set that preload reads, and header-only metadata.
 */
class CheckpointResidencyTest {
    @TempDir
    Path dir;

    /** Three tensors: "w" [64, 96] BF16 (a matrix to quantize), "b" [64] F32 (a bias), "e" [0] F32 (empty). */
    private Path model() {
        new SafeTensorsWriter()
                .add("w", DType.BF16, new long[]{64, 96}, SafeTensorsWriter.ofFloats(DType.BF16, i -> (i % 97) * 0.25f - 3))
                .add("b", DType.F32, new long[]{64}, SafeTensorsWriter.ofFloats(DType.F32, i -> i * 0.5f))
                .add("e", DType.F32, new long[]{0}, SafeTensorsWriter.zeros())
                .write(dir.resolve(Checkpoint.SINGLE));
        return dir;
    }

    private static byte[] bytes(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void temporaryMappingSeesTheSameBytesAndIsUnmappedAfterwards() throws IOException {
        Path file = model().resolve(Checkpoint.SINGLE);
        try (Checkpoint c = Checkpoint.open(dir)) {
            long before = mappings(file);
            byte[] want = bytes(c.tensor("w"));
            Tensor[] escaped = new Tensor[1];
            byte[] got = c.withTemporaryMapping("w", t -> {
                assertEquals(before + 1, assertDoesNotThrowMappings(file), "a mapping of its own while in use");
                escaped[0] = t;
                return bytes(t);
            });
            assertArrayEquals(want, got);
            assertEquals(before, mappings(file), "the temporary mapping is gone");
            assertEquals(0, openFds(file));
            // A tensor that escapes its call refuses use with an exception, not a crash.
            assertThrows(IllegalStateException.class, () -> escaped[0].getFloat(0));
            assertFalse(escaped[0].data().scope().isAlive());
            // Reading through a temporary mapping does not make the tensor in use.
            assertEquals(Set.of("w"), c.inUse());
        }
    }

    private static long assertDoesNotThrowMappings(Path file) {
        try {
            return mappings(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void temporaryMappingsLeaveNothingBehindAlsoWhenTheReaderThrows() throws IOException {
        Path file = model().resolve(Checkpoint.SINGLE);
        try (Checkpoint c = Checkpoint.openInAnonymousMemory(dir)) {
            assertEquals(0, mappings(file), "anonymous memory maps nothing up front");
            double sum = 0;
            for (int i = 0; i < 300; i++) {
                sum += c.withTemporaryMapping("w", t -> t.getFloat(5));
                assertThrows(ArithmeticException.class, () -> c.withTemporaryMapping("b", t -> 1 / (int) t.getFloat(0)));
            }
            assertEquals(300 * ((5 % 97) * 0.25 - 3), sum, 1e-9);
            assertEquals(0L, (long) c.withTemporaryMapping("e", Tensor::numel));
            assertEquals(0, mappings(file), "mappings left behind");
            assertEquals(0, openFds(file), "file descriptors left open");
            assertTrue(c.inUse().isEmpty());
        }
    }

    @Test
    void anonymousMemoryCopiesOnlyTheTensorsInUse() throws IOException {
        Path file = model().resolve(Checkpoint.SINGLE);
        byte[] want;
        try (Checkpoint mapped = Checkpoint.open(dir)) {
            want = bytes(mapped.tensor("b"));
        }
        try (Checkpoint c = Checkpoint.openInAnonymousMemory(dir)) {
            Tensor b = c.tensor("b");
            assertFalse(b.data().isMapped(), "a copy, not a view of the file");
            assertTrue(b.data().isNative());
            assertArrayEquals(want, bytes(b));
            assertSame(b, c.tensor("b"), "copied once");
            assertEquals(Set.of("b"), c.inUse(), "w and e were never copied");
            assertEquals(0, mappings(file));
            assertEquals(0, openFds(file));
            c.preload(); // nothing mapped: a no-op
            c.close();
            assertThrows(IllegalStateException.class, () -> b.getFloat(0));
        }
    }

    @Test
    void heapCopyReadsWithoutMappingAndIsNotInUse() throws IOException {
        model();
        try (Checkpoint c = Checkpoint.open(dir)) {
            Tensor h = c.heapCopy("b");
            assertFalse(h.data().isNative(), "on the Java heap");
            assertArrayEquals(bytes(c.withTemporaryMapping("b", CheckpointResidencyTest::tensorCopy)), bytes(h));
            assertEquals(63 * 0.5f, h.getFloat(63));
            assertTrue(c.inUse().isEmpty());
            assertEquals(0, c.heapCopy("e").numel());
        }
    }

    private static Tensor tensorCopy(Tensor t) {
        return new Tensor(t.name(), t.dtype(), t.shape(), MemorySegment.ofArray(bytes(t)));
    }

    @Test
    void preloadReadsTheTensorsInUse() throws IOException {
        model();
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertTrue(c.inUse().isEmpty());
            c.tensor("b");
            assertEquals(Set.of("b"), c.inUse());
            c.preload();
            assertTrue(c.tensor("b").data().isLoaded());
            c.tensors();
            assertEquals(Set.of("w", "b", "e"), c.inUse(), "tensors() hands out every tensor");
        }
    }

    @Test
    void headerMetadataNeedsNoBytes() throws IOException {
        model();
        try (Checkpoint c = Checkpoint.openInAnonymousMemory(dir)) {
            assertEquals(DType.BF16, c.dtype("w"));
            assertArrayEquals(new long[]{64, 96}, c.shape("w"));
            assertEquals(64 * 96 + 64, c.parameterCount(""));
            assertTrue(c.inUse().isEmpty(), "metadata copies nothing");
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> c.dtype("nope"));
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
            assertThrows(ModelFormatException.class, () -> c.withTemporaryMapping("nope", t -> t));
            assertThrows(ModelFormatException.class, () -> c.heapCopy("nope"));
        }
    }

    @Test
    void closedCheckpointRefusesTheNewCallsToo() throws IOException {
        model();
        Checkpoint c = Checkpoint.open(dir);
        c.close();
        assertThrows(IllegalStateException.class, () -> c.withTemporaryMapping("w", t -> t));
        assertThrows(IllegalStateException.class, () -> c.heapCopy("b"));
        assertThrows(IllegalStateException.class, () -> c.dtype("w"));
        assertThrows(IllegalStateException.class, () -> c.shape("w"));
        assertThrows(IllegalStateException.class, c::inUse);
        assertThrows(IllegalStateException.class, c::preload);
    }

    @Test
    void aFileTruncatedAfterOpeningIsAClearErrorForCopies() throws IOException {
        Path file = model().resolve(Checkpoint.SINGLE);
        try (Checkpoint c = Checkpoint.openInAnonymousMemory(dir)) {
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(100);
            }
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> c.tensor("b"));
            assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        }
    }

    @Test
    void headerOnlyFilesSayWhereTensorsLieAndMapNothing() throws IOException {
        Path file = model().resolve(Checkpoint.SINGLE);
        SafeTensorsFile h = SafeTensorsFile.readHeader(file);
        assertFalse(h.isMapped());
        assertThrows(IllegalStateException.class, h::tensors);
        assertEquals(0, mappings(file));
        assertEquals(0, openFds(file));
        SafeTensorsFile.Entry w = h.entries().get("w");
        SafeTensorsFile.Entry b = h.entries().get("b");
        assertEquals(64 * 96 * 2, w.byteSize());
        assertEquals(64 * 4, b.byteSize());
        assertEquals(Files.size(file), Math.max(w.offset() + w.byteSize(), b.offset() + b.byteSize()));
        assertArrayEquals(new long[]{64, 96}, w.shape());
    }
}
