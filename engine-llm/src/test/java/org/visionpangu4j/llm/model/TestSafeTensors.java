package org.visionpangu4j.llm.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes tensors (raw bytes as they are) to a .safetensors file, for building test checkpoints. */
final class TestSafeTensors {
    private TestSafeTensors() {
    }

    /** Writes {@code tensors} (name → tensor; the map's name wins over the tensor's own) to {@code file}. */
    static void write(Path file, Map<String, Tensor> tensors) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype().name());
            var shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long size = t.data().byteSize();
            n.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(h);
            out.write(" ".repeat(padded - h.length).getBytes(StandardCharsets.US_ASCII));
            for (Tensor t : tensors.values()) {
                out.write(t.data().toArray(ValueLayout.JAVA_BYTE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
