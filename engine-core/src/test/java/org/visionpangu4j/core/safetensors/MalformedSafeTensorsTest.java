package org.visionpangu4j.core.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.tensor.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of broken files, generated here: each must be rejected with a {@link ModelFormatException} whose
 * message names the file, the tensor where there is one, and the rule broken.
 */
class MalformedSafeTensorsTest {
    @TempDir
    Path dir;

    /** Writes an 8-byte length field, the header bytes and {@code dataBytes} zero bytes. */
    private Path raw(String fileName, long lengthField, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(lengthField).put(header);
        Path p = dir.resolve(fileName);
        Files.write(p, b.array());
        return p;
    }

    /** A file whose length field is honest. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw("bad.safetensors", h.length, h, dataBytes);
    }

    private static void assertRejected(Path p, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(p).close());
        String msg = e.getMessage();
        assertTrue(msg.contains(p.getFileName().toString()), () -> "message should name the file: " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), () -> "message should contain '" + f + "': " + msg);
        }
    }

    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @Test
    void zeroByteFile() throws IOException {
        Path p = dir.resolve("empty.safetensors");
        Files.createFile(p);
        assertRejected(p, "file is 0 bytes, shorter than the 8-byte header length");
    }

    @Test
    void fileShorterThanLengthField() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[]{10, 0, 0});
        assertRejected(p, "file is 3 bytes");
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] h = ("{" + A + "}").getBytes(StandardCharsets.UTF_8);
        // The length field is honest but the file stops half-way through the header.
        Path p = raw("truncated.safetensors", h.length, java.util.Arrays.copyOf(h, h.length / 2), 0);
        assertRejected(p, "header length " + h.length, "runs past the end");
    }

    @Test
    void lyingHeaderLengthTooLong() throws IOException {
        byte[] h = ("{" + A + "}").getBytes(StandardCharsets.UTF_8);
        assertRejected(raw("lying.safetensors", h.length + 100, h, 8), "header length " + (h.length + 100),
                "runs past the end");
    }

    @Test
    void lyingHeaderLengthTooShort() throws IOException {
        byte[] h = ("{" + A + "}").getBytes(StandardCharsets.UTF_8);
        // Claims fewer bytes than the JSON has: the header is cut mid-document.
        assertRejected(raw("lying-short.safetensors", h.length - 5, h, 8), "header is not valid JSON");
    }

    @Test
    void headerLengthOverLimit() throws IOException {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(raw("huge.safetensors", 1L << 40, h, 0), "header length 1099511627776",
                "outside [2, 104857600]");
    }

    @Test
    void headerLengthNegativeAsSigned() throws IOException {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(raw("neg.safetensors", -1L, h, 0), "header length 18446744073709551615", "outside");
    }

    @Test
    void badJson() throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",", 0), "header is not valid JSON");
    }

    @Test
    void headerNotAnObject() throws IOException {
        assertRejected(file("[1,2,3]", 0), "header is not a JSON object");
    }

    @Test
    void duplicateTensorName() throws IOException {
        assertRejected(file("{" + A + "," + A + "}", 8), "header is not valid JSON", "Duplicate field 'a'");
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] h = "{\"x\u00FF\":{}}".getBytes(StandardCharsets.ISO_8859_1); // lone 0xFF byte
        assertRejected(raw("utf8.safetensors", h.length, h, 0), "header is not valid UTF-8");
    }

    @Test
    void unknownDtype() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
                "tensor 'w'", "unknown dtype 'Q4_K'");
    }

    @Test
    void missingDtype() throws IOException {
        assertRejected(file("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'w'", "missing or non-string dtype");
    }

    @Test
    void negativeDimension() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,8]}}", 8),
                "tensor 'w'", "shape entry 1 is not a non-negative integer: -3");
    }

    @Test
    void nonIntegerDimension() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8),
                "tensor 'w'", "shape entry 0 is not a non-negative integer");
    }

    @Test
    void sizeMismatch() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20),
                "tensor 'w'", "byte length 20", "does not equal shape [2, 3] × F32 size = 24");
    }

    @Test
    void offsetsPastDataRegion() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 12),
                "tensor 'w'", "data_offsets [0, 16] are outside the data region of 12 bytes");
    }

    @Test
    void offsetsReversed() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8),
                "tensor 'w'", "data_offsets [8, 4] are outside the data region");
    }

    @Test
    void negativeOffset() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[-4,0]}}", 8),
                "tensor 'w'", "data_offsets [-4, 0] are outside");
    }

    @Test
    void malformedOffsets() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0]}}", 4),
                "tensor 'w'", "data_offsets must be two integers");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                "tensor 'b'", "overlaps tensor 'a' [0, 8)");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
                "tensor 'b'", "bytes [4, 8) belong to no tensor");
    }

    @Test
    void bytesAfterLastTensor() throws IOException {
        assertRejected(file("{" + A + "}", 12), "the data region has 12 bytes but the tensors cover only 8");
    }

    @Test
    void truncatedDataRegion() throws IOException {
        // A download cut short: the header is intact, the data is not.
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 10),
                "tensor 'a'", "outside the data region of 10 bytes");
    }

    @Test
    void metadataNotStrings() throws IOException {
        assertRejected(file("{\"__metadata__\":{\"format\":1}," + A + "}", 8), "tensor '__metadata__'",
                "value of 'format' is not a string");
    }

    @Test
    void entryNotAnObject() throws IOException {
        assertRejected(file("{\"w\":[1,2]}", 0), "tensor 'w'", "entry is not an object");
    }

    // ---- directories and shards ---------------------------------------------------------------------------

    private void shard(String name, String tensor) {
        new SafeTensorsWriter().add(tensor, DType.F32, new long[]{2}, SafeTensorsWriter.ofFloats(DType.F32, new float[]{1, 2}))
                .write(dir.resolve(name));
    }

    private Path index(String json) throws IOException {
        return Files.writeString(dir.resolve(Checkpoint.INDEX), json);
    }

    private void assertDirRejected(String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir).close());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message should contain '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void missingShard() throws IOException {
        shard("model-00001-of-00002.safetensors", "a");
        index("{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        assertDirRejected(Checkpoint.INDEX, "shard 'model-00002-of-00002.safetensors' (for tensor 'b') is missing");
    }

    @Test
    void indexPointsAtAbsentTensor() throws IOException {
        shard("s1.safetensors", "a");
        index("{\"weight_map\":{\"a\":\"s1.safetensors\",\"c\":\"s1.safetensors\"}}");
        assertDirRejected(Checkpoint.INDEX, "tensor 'c' is not in shard 's1.safetensors'");
    }

    @Test
    void indexBadJson() throws IOException {
        index("{\"weight_map\":{\"a\":");
        assertDirRejected(Checkpoint.INDEX, "not valid JSON");
    }

    @Test
    void indexWithoutWeightMap() throws IOException {
        index("{\"metadata\":{}}");
        assertDirRejected(Checkpoint.INDEX, "missing object 'weight_map'");
    }

    @Test
    void indexShardNameEscapesDirectory() throws IOException {
        index("{\"weight_map\":{\"a\":\"../elsewhere.safetensors\"}}");
        assertDirRejected(Checkpoint.INDEX, "tensor 'a' maps to invalid shard name \"../elsewhere.safetensors\"");
    }

    @Test
    void brokenShardIsNamed() throws IOException {
        Files.write(dir.resolve("s1.safetensors"), new byte[0]);
        index("{\"weight_map\":{\"a\":\"s1.safetensors\"}}");
        assertDirRejected("s1.safetensors: file is 0 bytes");
    }

    @Test
    void directoryWithoutModel() {
        assertDirRejected("no model.safetensors or model.safetensors.index.json");
    }

    @Test
    void noSuchPath() {
        Path p = dir.resolve("nope");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(p));
        assertTrue(e.getMessage().contains("nope: no such file or directory"), e.getMessage());
    }

    @Test
    void shardedCheckpointLoads() throws IOException {
        shard("s1.safetensors", "a");
        shard("s2.safetensors", "b");
        index("{\"metadata\":{\"total_size\":16},\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}}");
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertTrue(c.names().containsAll(java.util.List.of("a", "b")));
            assertTrue(c.tensor("b").getFloat(1) == 2f);
        }
    }
}
