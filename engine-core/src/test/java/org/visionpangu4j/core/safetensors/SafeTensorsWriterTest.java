package org.visionpangu4j.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SafeTensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtype() {
        Path p = dir.resolve("all.safetensors");
        float[] f = {0f, 1.5f, -2.25f, 3.0e-3f, 65504f, -0.0f};
        long[] ints = {0, 1, -1, 127, -128, 42};
        new SafeTensorsWriter()
                .metadata("format", "pt")
                .add("f32", DType.F32, new long[]{2, 3}, SafeTensorsWriter.ofFloats(DType.F32, f))
                .add("f64", DType.F64, new long[]{6}, SafeTensorsWriter.ofFloats(DType.F64, f))
                .add("bf16", DType.BF16, new long[]{3, 2}, SafeTensorsWriter.ofFloats(DType.BF16, f))
                .add("f16", DType.F16, new long[]{6}, SafeTensorsWriter.ofFloats(DType.F16, f))
                .add("i64", DType.I64, new long[]{6}, SafeTensorsWriter.ofLongs(DType.I64, ints))
                .add("i32", DType.I32, new long[]{6}, SafeTensorsWriter.ofLongs(DType.I32, ints))
                .add("i16", DType.I16, new long[]{6}, SafeTensorsWriter.ofLongs(DType.I16, ints))
                .add("i8", DType.I8, new long[]{6}, SafeTensorsWriter.ofLongs(DType.I8, ints))
                .add("u8", DType.U8, new long[]{6}, SafeTensorsWriter.ofLongs(DType.U8, new long[]{0, 1, 2, 200, 255, 7}))
                .add("empty", DType.F32, new long[]{0, 4}, SafeTensorsWriter.ofFloats(DType.F32, new float[0]))
                .add("scalar", DType.F32, new long[]{}, SafeTensorsWriter.ofFloats(DType.F32, new float[]{9f}))
                .write(p);
        try (Checkpoint c = Checkpoint.open(p)) {
            assertEquals(List.of("f32", "f64", "bf16", "f16", "i64", "i32", "i16", "i8", "u8", "empty", "scalar"),
                    List.copyOf(c.names()));
            assertArrayEquals(f, c.tensor("f32").toFloatArray());
            assertArrayEquals(f, c.tensor("f64").toFloatArray());
            // Round to nearest even: 3e-3 = 0x3B449BA6 → bf16 0x3B45; 65504 = 0x477FE000 → bf16 0x4780 = 65536.
            // In f16, 65504 is the largest finite value and 3e-3 rounds to 0.0030002594 (checked with numpy).
            float[] bf16 = {0f, 1.5f, -2.25f, Float.intBitsToFloat(0x3B450000), 65536f, -0.0f};
            float[] f16 = {0f, 1.5f, -2.25f, 0.0030002594f, 65504f, -0.0f};
            assertArrayEquals(bf16, c.tensor("bf16").toFloatArray());
            assertArrayEquals(f16, c.tensor("f16").toFloatArray());
            for (String n : List.of("i64", "i32", "i16", "i8")) {
                for (int i = 0; i < ints.length; i++) {
                    assertEquals(ints[i], c.tensor(n).getLong(i), n + "[" + i + "]");
                }
            }
            assertEquals(200, c.tensor("u8").getLong(3));
            assertEquals(255f, c.tensor("u8").getFloat(4));
            assertEquals(0, c.tensor("empty").numel());
            assertEquals(9f, c.tensor("scalar").getFloat(0));
            assertArrayEquals(new long[]{3, 2}, c.tensor("bf16").shape());
        }
    }

    @Test
    void headerIsPaddedAndDescribesTheData() throws IOException {
        Path p = dir.resolve("h.safetensors");
        new SafeTensorsWriter().metadata("format", "pt")
                .add("x", DType.BF16, new long[]{3}, SafeTensorsWriter.ofFloats(DType.BF16, new float[]{1, 2, 3}))
                .add("y", DType.F32, new long[]{1}, SafeTensorsWriter.ofFloats(DType.F32, new float[]{4}))
                .write(p);
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length is a multiple of 8");
        assertEquals(8 + n + 6 + 4, bytes.length);
        JsonNode h = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals("pt", h.get("__metadata__").get("format").asText());
        assertEquals("[0,6]", h.get("x").get("data_offsets").toString());
        assertEquals("[6,10]", h.get("y").get("data_offsets").toString());
        // bf16 1.0 = 0x3F80, little-endian.
        assertEquals((byte) 0x80, bytes[(int) (8 + n)]);
        assertEquals((byte) 0x3F, bytes[(int) (8 + n + 1)]);
    }

    /** A tensor bigger than the writer's buffer arrives in order, in whole-element chunks, exactly once. */
    @Test
    void streamsLargeTensorsInOrder() {
        Path p = dir.resolve("big.safetensors");
        long n = 3L * SafeTensorsWriter.CHUNK / 4 + 5; // ~3 chunks of F32
        AtomicLong next = new AtomicLong();
        new SafeTensorsWriter().add("big", DType.F32, new long[]{n}, SafeTensorsWriter.ofFloats(DType.F32, i -> {
            assertEquals(next.getAndIncrement(), i, "elements requested in order");
            return (float) (i % 1000);
        })).write(p);
        assertEquals(n, next.get());
        try (Checkpoint c = Checkpoint.open(p)) {
            Tensor t = c.tensor("big");
            for (long i : new long[]{0, 1, SafeTensorsWriter.CHUNK / 4 - 1, SafeTensorsWriter.CHUNK / 4, n - 1}) {
                assertEquals((float) (i % 1000), t.getFloat(i), "element " + i);
            }
        }
    }

    @Test
    void copiesTensorsFromAnotherCheckpoint() {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        new SafeTensorsWriter().add("w", DType.BF16, new long[]{2, 2}, SafeTensorsWriter.ofFloats(DType.BF16, new float[]{1, -2, 3, -4}))
                .write(a);
        try (Checkpoint src = Checkpoint.open(a)) {
            new SafeTensorsWriter().add(src.tensor("w")).write(b);
        }
        try (Checkpoint c = Checkpoint.open(b)) {
            assertArrayEquals(new float[]{1, -2, 3, -4}, c.tensor("w").toFloatArray());
        }
    }

    @Test
    void rejectsBadInput() {
        SafeTensorsWriter w = new SafeTensorsWriter().add("a", DType.F32, new long[]{1}, SafeTensorsWriter.zeros());
        assertThrows(IllegalArgumentException.class, () -> w.add("a", DType.F32, new long[]{1}, SafeTensorsWriter.zeros()));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", DType.F32, new long[]{1}, SafeTensorsWriter.zeros()));
        assertThrows(IllegalArgumentException.class, () -> w.add("n", DType.F32, new long[]{-1}, SafeTensorsWriter.zeros()));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.ofFloats(DType.I32, new float[1]));
        // A source that does not fill its chunk is a bug in the caller, reported by name.
        SafeTensorsWriter lazy = new SafeTensorsWriter().add("lazy", DType.U8, new long[]{4}, (off, dst) -> dst.put((byte) 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lazy.write(dir.resolve("l.safetensors")));
        assertEquals(true, e.getMessage().contains("tensor lazy"), e.getMessage());
    }

    @Test
    void zerosAreHolesThatReadAsZero() {
        Path p = dir.resolve("z.safetensors");
        new SafeTensorsWriter()
                .add("z1", DType.F32, new long[]{1000}, SafeTensorsWriter.zeros())
                .add("x", DType.F32, new long[]{1}, SafeTensorsWriter.ofFloats(DType.F32, new float[]{5}))
                .add("z2", DType.BF16, new long[]{7}, SafeTensorsWriter.zeros())
                .write(p);
        try (Checkpoint c = Checkpoint.open(p)) {
            assertEquals(0f, c.tensor("z1").getFloat(999));
            assertEquals(5f, c.tensor("x").getFloat(0));
            assertEquals(0f, c.tensor("z2").getFloat(6));
        }
    }
}
