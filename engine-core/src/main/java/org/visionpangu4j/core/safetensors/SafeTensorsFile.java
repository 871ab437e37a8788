package org.visionpangu4j.core.safetensors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One safetensors file: an 8-byte little-endian header length, a UTF-8 JSON header, then the data region.
 * The header is validated eagerly (see {@link #MAX_HEADER_BYTES} and the rules in {@link #open}); the data region
 * is memory-mapped read-only into the caller's {@link Arena}, so closing that arena unmaps it.
 */
public final class SafeTensorsFile {
    /** Headers larger than this are rejected, as the reference implementation does. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path path;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates {@code path}, mapping its data region into {@code arena}. Rules checked: file at least
     * 8 bytes; header length within the file and ≤ 100 MB; header valid UTF-8 JSON object; each entry has a known
     * dtype, a shape of non-negative integers and two data_offsets with begin ≤ end inside the data region; byte
     * length equals numel × dtype size; tensors do not overlap.
     */
    public static SafeTensorsFile open(Path path, Arena arena) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw error(path, null, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw error(path, null, "header length " + Long.toUnsignedString(headerLen)
                        + " is outside [2, " + MAX_HEADER_BYTES + "]");
            }
            if (8 + headerLen > fileSize) {
                throw error(path, null, "header length " + headerLen + " runs past the end of the " + fileSize
                        + "-byte file (truncated?)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String headerText;
            try {
                headerText = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(headerBuf.flip()).toString();
            } catch (CharacterCodingException e) {
                throw error(path, null, "header is not valid UTF-8");
            }
            JsonNode root;
            try {
                root = JSON.readTree(headerText);
            } catch (IOException e) {
                throw error(path, null, "header is not valid JSON: " + e.getMessage());
            }
            if (root == null || !root.isObject()) {
                throw error(path, null, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = fileSize - dataStart;
            MemorySegment data = dataSize == 0 ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataSize, arena);
            return parse(path, root, data, dataSize);
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot read: " + e, e);
        }
    }

    private static SafeTensorsFile parse(Path path, JsonNode root, MemorySegment data, long dataSize) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode info = e.getValue();
            if (name.equals("__metadata__")) {
                if (!info.isObject()) {
                    throw error(path, name, "__metadata__ must be an object of strings");
                }
                info.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw error(path, "__metadata__", "value of '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            if (!info.isObject()) {
                throw error(path, name, "entry is not an object");
            }
            JsonNode dt = info.get("dtype");
            if (dt == null || !dt.isTextual()) {
                throw error(path, name, "missing or non-string dtype");
            }
            DType dtype = DType.fromSafetensors(dt.asText())
                    .orElseThrow(() -> error(path, name, "unknown dtype '" + dt.asText() + "'"));
            JsonNode sh = info.get("shape");
            if (sh == null || !sh.isArray()) {
                throw error(path, name, "missing or non-array shape");
            }
            long[] shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                    throw error(path, name, "shape entry " + i + " is not a non-negative integer: " + d);
                }
                shape[i] = d.asLong();
            }
            JsonNode off = info.get("data_offsets");
            if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                    || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
                throw error(path, name, "data_offsets must be two integers");
            }
            long begin = off.get(0).asLong();
            long end = off.get(1).asLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw error(path, name, "data_offsets [" + begin + ", " + end + "] outside the data region of "
                        + dataSize + " bytes");
            }
            long expected;
            try {
                expected = Math.multiplyExact(Tensor.numel(shape), dtype.byteSize());
            } catch (ArithmeticException ex) {
                throw error(path, name, "shape overflows");
            }
            if (end - begin != expected) {
                throw error(path, name, "byte length " + (end - begin) + " does not equal shape × dtype size = "
                        + expected);
            }
            ranges.add(new long[]{begin, end, ranges.size()});
            rangeNames.add(name);
            tensors.put(name, new Tensor(name, dtype, shape, data.asSlice(begin, end - begin).asReadOnly()));
        }
        ranges.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
        for (int i = 1; i < ranges.size(); i++) {
            long[] prev = ranges.get(i - 1);
            long[] cur = ranges.get(i);
            if (cur[0] < prev[1]) {
                throw error(path, rangeNames.get((int) cur[2]), "data overlaps tensor " + rangeNames.get((int) prev[2]));
            }
        }
        return new SafeTensorsFile(path, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    static ModelFormatException error(Path path, String tensor, String rule) {
        return new ModelFormatException(path + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + rule);
    }

    public Path path() {
        return path;
    }

    /** Tensors in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
