package org.visionpangu4j.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.TestData;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference checkpoint loads with every tensor's name, dtype, shape and bytes as the file says. */
class FixtureCheckpointTest {
    private static final Path MODEL = TestData.tinyModel();
    private static final Path FILE = MODEL.resolve("model.safetensors");

    /** The header as read here, independently of the code under test: name → entry. */
    private static JsonNode rawHeader() throws IOException {
        try (FileChannel ch = FileChannel.open(FILE)) {
            return new ObjectMapper().readTree(new String(readBytes(ch, 8, (int) headerLength(ch)), "UTF-8"));
        }
    }

    private static long headerLength(FileChannel ch) throws IOException {
        return ByteBuffer.wrap(readBytes(ch, 0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static byte[] readBytes(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("EOF");
            }
        }
        return b.array();
    }

    /** Every tensor name with the shape the config implies, the config read here as plain JSON. */
    private static Map<String, long[]> expectedShapes(JsonNode cfg) {
        Map<String, long[]> m = new TreeMap<>();
        JsonNode v = cfg.get("vision_config");
        long hv = v.get("hidden_size").asLong();
        long p = v.get("patch_size").asLong();
        long vmlp = v.get("intermediate_size").asLong();
        long grid = cfg.get("force_image_size").asLong() / p;
        String e = "vision_model.embeddings.";
        m.put(e + "class_embedding", new long[]{1, 1, hv});
        m.put(e + "patch_embedding.weight", new long[]{hv, 3, p, p});
        m.put(e + "patch_embedding.bias", new long[]{hv});
        m.put(e + "position_embedding", new long[]{1, grid * grid + 1, hv});
        for (int i = 0; i < v.get("num_hidden_layers").asInt(); i++) {
            String l = "vision_model.encoder.layers." + i + ".";
            m.put(l + "attn.qkv.weight", new long[]{3 * hv, hv});
            m.put(l + "attn.qkv.bias", new long[]{3 * hv});
            m.put(l + "attn.proj.weight", new long[]{hv, hv});
            m.put(l + "attn.proj.bias", new long[]{hv});
            m.put(l + "mlp.fc1.weight", new long[]{vmlp, hv});
            m.put(l + "mlp.fc1.bias", new long[]{vmlp});
            m.put(l + "mlp.fc2.weight", new long[]{hv, vmlp});
            m.put(l + "mlp.fc2.bias", new long[]{hv});
            for (String n : new String[]{"ls1", "ls2", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"}) {
                m.put(l + n, new long[]{hv});
            }
        }
        JsonNode c = cfg.get("llm_config");
        long h = c.get("hidden_size").asLong();
        long vocab = c.get("vocab_size").asLong();
        long ff = c.get("intermediate_size").asLong();
        long headDim = h / c.get("num_attention_heads").asLong();
        long qDim = c.get("num_attention_heads").asLong() * headDim;
        long kvDim = c.get("num_key_value_heads").asLong() * headDim;
        double ratio = cfg.get("downsample_ratio").asDouble();
        long shuffled = Math.round(hv / (ratio * ratio));
        m.put("mlp1.0.weight", new long[]{shuffled});
        m.put("mlp1.0.bias", new long[]{shuffled});
        m.put("mlp1.1.weight", new long[]{h, shuffled});
        m.put("mlp1.1.bias", new long[]{h});
        m.put("mlp1.3.weight", new long[]{h, h});
        m.put("mlp1.3.bias", new long[]{h});
        String lm = "language_model.model.";
        m.put(lm + "embed_tokens.weight", new long[]{vocab, h});
        m.put(lm + "norm.weight", new long[]{h});
        m.put("language_model.lm_head.weight", new long[]{vocab, h});
        for (int i = 0; i < c.get("num_hidden_layers").asInt(); i++) {
            String l = lm + "layers." + i + ".";
            m.put(l + "input_layernorm.weight", new long[]{h});
            m.put(l + "post_attention_layernorm.weight", new long[]{h});
            m.put(l + "self_attn.q_proj.weight", new long[]{qDim, h});
            m.put(l + "self_attn.q_proj.bias", new long[]{qDim});
            m.put(l + "self_attn.k_proj.weight", new long[]{kvDim, h});
            m.put(l + "self_attn.k_proj.bias", new long[]{kvDim});
            m.put(l + "self_attn.v_proj.weight", new long[]{kvDim, h});
            m.put(l + "self_attn.v_proj.bias", new long[]{kvDim});
            m.put(l + "self_attn.o_proj.weight", new long[]{h, qDim});
            m.put(l + "self_attn.o_proj.bias", new long[]{h});
            m.put(l + "mlp.gate_proj.weight", new long[]{ff, h});
            m.put(l + "mlp.up_proj.weight", new long[]{ff, h});
            m.put(l + "mlp.down_proj.weight", new long[]{h, ff});
        }
        return m;
    }

    @Test
    void everyTensorMatchesHeaderAndConfig() throws IOException {
        JsonNode header = rawHeader();
        Map<String, long[]> expected = expectedShapes(new ObjectMapper().readTree(MODEL.resolve("config.json").toFile()));
        assertEquals(67, expected.size(), "config-derived tensor list");
        try (Checkpoint ckpt = Checkpoint.open(MODEL)) {
            assertEquals(67, ckpt.names().size());
            assertEquals(expected.keySet(), new TreeMap<>(ckpt.tensors()).keySet());
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                Tensor t = ckpt.tensor(e.getKey());
                JsonNode h = header.get(e.getKey());
                long[] headerShape = new long[h.get("shape").size()];
                Arrays.setAll(headerShape, i -> h.get("shape").get(i).asLong());
                assertEquals("BF16", h.get("dtype").asText(), e.getKey());
                assertEquals(DType.BF16, t.dtype(), e.getKey());
                assertArrayEquals(headerShape, t.shape(), e.getKey());
                assertArrayEquals(e.getValue(), t.shape(), e.getKey());
                long bytes = h.get("data_offsets").get(1).asLong() - h.get("data_offsets").get(0).asLong();
                assertEquals(bytes, t.data().byteSize(), e.getKey());
                assertEquals(e.getKey(), t.name());
            }
        }
    }

    /** Element i of every tensor equals the float whose top 16 bits are the two bytes at its file offset. */
    @Test
    void bf16ValuesMatchRawFileBytes() throws IOException {
        JsonNode header = rawHeader();
        SplittableRandom rnd = new SplittableRandom(7);
        int checked = 0;
        try (Checkpoint ckpt = Checkpoint.open(MODEL); FileChannel ch = FileChannel.open(FILE)) {
            long dataStart = 8 + headerLength(ch);
            for (String name : ckpt.names()) {
                Tensor t = ckpt.tensor(name);
                long begin = header.get(name).get("data_offsets").get(0).asLong();
                long n = t.numel();
                long[] picks = {0, 1, n / 2, n - 1, rnd.nextLong(n), rnd.nextLong(n)};
                for (long i : picks) {
                    byte[] two = readBytes(ch, dataStart + begin + 2 * i, 2);
                    int bits = (two[0] & 0xFF) | (two[1] & 0xFF) << 8;
                    float expected = Float.intBitsToFloat(bits << 16);
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(t.getFloat(i)),
                            name + "[" + i + "]");
                    checked++;
                }
            }
        }
        assertEquals(67 * 6, checked);
    }

    /** A few values read from the file once with Python's struct module (bits and their float value). */
    @Test
    void knownValues() {
        try (Checkpoint ckpt = Checkpoint.open(MODEL)) {
            assertKnown(ckpt, "vision_model.embeddings.class_embedding", 0, 0x3b85, 0.004058837890625f);
            assertKnown(ckpt, "vision_model.embeddings.class_embedding", 63, 0x3be8, 0.007080078125f);
            assertKnown(ckpt, "language_model.model.norm.weight", 5, 0x3f96, 1.171875f);
            assertKnown(ckpt, "mlp1.1.weight", 1000, 0xbd98, -0.07421875f);
            assertKnown(ckpt, "language_model.lm_head.weight", 1545 * 96 - 1, 0xbf02, -0.5078125f);
            assertKnown(ckpt, "vision_model.encoder.layers.1.ls2", 7, 0x3f67, 0.90234375f);
            assertKnown(ckpt, "language_model.model.embed_tokens.weight", 99, 0x3a8f, 0.00109100341796875f);
            float[] norm = ckpt.tensor("language_model.model.norm.weight").toFloatArray();
            assertEquals(96, norm.length);
            assertEquals(1.171875f, norm[5]);
        }
    }

    private static void assertKnown(Checkpoint ckpt, String name, long i, int bits, float value) {
        Tensor t = ckpt.tensor(name);
        short raw = t.data().get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2 * i);
        assertEquals(bits, raw & 0xFFFF, name + "[" + i + "] bits");
        assertEquals(value, t.getFloat(i), name + "[" + i + "]");
    }

    @Test
    void singleFilePathOpensToo() {
        try (Checkpoint ckpt = Checkpoint.open(FILE)) {
            assertEquals(67, ckpt.names().size());
            assertTrue(ckpt.has("mlp1.0.weight"));
            assertEquals(MODEL.toAbsolutePath(), ckpt.directory().toAbsolutePath());
        }
    }
}
