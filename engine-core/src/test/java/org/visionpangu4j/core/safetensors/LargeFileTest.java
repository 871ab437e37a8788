package org.visionpangu4j.core.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file over 2 GB (so offsets exceed an int and one mapping is larger than any ByteBuffer could be) maps and
 * reads its last tensor. The 2 GB tensor is a hole, so the file costs no disk space and writes in milliseconds.
 */
class LargeFileTest {
    @TempDir
    Path dir;

    @Test
    void lastTensorOfSparseFileOver2GB() throws IOException {
        Path p = dir.resolve("large.safetensors");
        long bigRows = 1L << 20;
        long bigCols = 1025; // BF16: 2 GiB + 2 MiB
        float[] last = {1.5f, -2.75f, 3.125f, 1e-3f, -7f};
        new SafeTensorsWriter()
                .add("small", DType.F32, new long[]{2}, SafeTensorsWriter.ofFloats(DType.F32, new float[]{0.5f, 0.25f}))
                .add("big", DType.BF16, new long[]{bigRows, bigCols}, SafeTensorsWriter.zeros())
                .add("last", DType.F32, new long[]{5}, SafeTensorsWriter.ofFloats(DType.F32, last))
                .write(p);
        long size = Files.size(p);
        assertTrue(size > (1L << 31) + (1L << 20), "file is over 2 GB: " + size);
        try (Checkpoint c = Checkpoint.open(p)) {
            Tensor big = c.tensor("big");
            assertEquals(bigRows * bigCols * 2, big.data().byteSize());
            assertArrayEquals(last, c.tensor("last").toFloatArray());
            assertEquals(0.25f, c.tensor("small").getFloat(1));
            // Elements on both sides of the 2^31-byte mark read as the hole's zeros.
            assertEquals(0f, big.getFloat((1L << 30) - 1));
            assertEquals(0f, big.getFloat(1L << 30));
            assertEquals(0f, big.getFloat(big.numel() - 1));
        }
    }
}
