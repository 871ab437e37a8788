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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One safetensors file: an 8-byte little-endian header length N, N bytes of UTF-8 JSON header, then the data
 * region. The header is read and validated completely before anything is mapped, so a bad file never leaves a
 * mapping behind; the data region is then memory-mapped read-only into the caller's {@link Arena}, and closing
 * that arena unmaps it. {@link #readHeader} validates the same way and maps nothing: it says where each tensor's
 * bytes lie ({@link #entries()}), for callers that read or map single tensors themselves.
 *
 * <p>Rules (those of the reference implementation, plus a few): the file holds at least the 8 length bytes; the
 * header length is within [2, {@link #MAX_HEADER_BYTES}] and within the file; the header is valid UTF-8, valid JSON
 * without duplicate keys, and an object; {@code __metadata__}, if present, maps strings to strings; every other
 * entry has a known dtype, a shape of non-negative integers and {@code data_offsets} [begin, end] with
 * begin ≤ end ≤ data size; end − begin equals numel × dtype size; tensors neither overlap nor leave gaps, and they
 * cover the data region exactly (the reference rejects stray bytes too).
 */
public final class SafeTensorsFile {
    /** Headers larger than this are rejected, as the reference implementation does. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path path;
    private final Map<String, Entry> entries;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, Map<String, Entry> entries, Map<String, Tensor> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.entries = entries;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * A validated header entry: one tensor's bytes are {@code byteSize} bytes at {@code offset} of the file
     * (offsets count from the start of the file, header included).
     */
    public record Entry(String name, DType dtype, long[] shape, long offset, long byteSize) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /** A header entry whose bytes are [begin, end) of the data region (validated before it becomes an Entry). */
    private record Range(String name, DType dtype, long[] shape, long begin, long end) {
    }

    /** Opens and validates {@code path} (rules in the class comment), mapping its data region into {@code arena}. */
    public static SafeTensorsFile open(Path path, Arena arena) {
        return read(path, arena);
    }

    /**
     * Validates {@code path} exactly as {@link #open} does but maps nothing: {@link #entries()} say where each
     * tensor lies; {@link #tensors()} is refused.
     */
    public static SafeTensorsFile readHeader(Path path) {
        return read(path, null);
    }

    /** Validates the header; then, with an arena, maps the data region into it. */
    private static SafeTensorsFile read(Path path, Arena arena) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            long headerLen = readHeaderLength(path, ch, fileSize);
            JsonNode root = readHeader(path, ch, headerLen);
            long dataStart = 8 + headerLen;
            long dataSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Range> ranges = parseEntries(path, root, dataSize, metadata);
            checkCoverage(path, ranges, dataSize);
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Range r : ranges) {
                entries.put(r.name, new Entry(r.name, r.dtype, r.shape, dataStart + r.begin, r.end - r.begin));
            }
            Map<String, Tensor> tensors = null;
            if (arena != null) {
                // Only now, with every rule checked, is anything mapped.
                MemorySegment data = dataSize == 0 ? arena.allocate(0)
                        : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataSize, arena);
                tensors = new LinkedHashMap<>();
                for (Range r : ranges) {
                    MemorySegment bytes = data.asSlice(r.begin, r.end - r.begin).asReadOnly();
                    tensors.put(r.name, new Tensor(r.name, r.dtype, r.shape, bytes));
                }
                tensors = Collections.unmodifiableMap(tensors);
            }
            return new SafeTensorsFile(path, Collections.unmodifiableMap(entries), tensors,
                    Collections.unmodifiableMap(metadata));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": file not found", e);
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot read: " + e, e);
        }
    }

    private static long readHeaderLength(Path path, FileChannel ch, long fileSize) throws IOException {
        if (fileSize < 8) {
            throw error(path, null, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        // The length is a u64: a negative long is a huge unsigned value and fails the same check.
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
            throw error(path, null, "header length " + Long.toUnsignedString(headerLen)
                    + " is outside [2, " + MAX_HEADER_BYTES + "]");
        }
        if (8 + headerLen > fileSize) {
            throw error(path, null, "header length " + headerLen + " runs past the end of the " + fileSize
                    + "-byte file (truncated file or lying header length)");
        }
        return headerLen;
    }

    private static JsonNode readHeader(Path path, FileChannel ch, long headerLen) throws IOException {
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, headerBuf, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBuf.flip()).toString();
        } catch (CharacterCodingException e) {
            throw error(path, null, "header is not valid UTF-8 (" + e.getMessage() + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw error(path, null, "header is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw error(path, null, "header is not a JSON object");
        }
        return root;
    }

    private static List<Range> parseEntries(Path path, JsonNode root, long dataSize, Map<String, String> metadata) {
        List<Range> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode info = e.getValue();
            if (name.equals("__metadata__")) {
                parseMetadata(path, info, metadata);
            } else {
                entries.add(parseEntry(path, name, info, dataSize));
            }
        }
        return entries;
    }

    private static void parseMetadata(Path path, JsonNode info, Map<String, String> metadata) {
        if (!info.isObject()) {
            throw error(path, "__metadata__", "must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> m : info.properties()) {
            if (!m.getValue().isTextual()) {
                throw error(path, "__metadata__", "value of '" + m.getKey() + "' is not a string");
            }
            metadata.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Range parseEntry(Path path, String name, JsonNode info, long dataSize) {
        if (!info.isObject()) {
            throw error(path, name, "entry is not an object");
        }
        JsonNode dt = info.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw error(path, name, "missing or non-string dtype");
        }
        DType dtype = DType.fromSafetensors(dt.asText()).orElseThrow(() -> error(path, name,
                "unknown dtype '" + dt.asText() + "' (supported: " + Arrays.toString(DType.values()) + ")"));
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
        if (off == null || !off.isArray() || off.size() != 2 || !isLong(off.get(0)) || !isLong(off.get(1))) {
            throw error(path, name, "data_offsets must be two integers, got " + off);
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw error(path, name, "data_offsets [" + begin + ", " + end + "] are outside the data region of "
                    + dataSize + " bytes");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.numel(shape), dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw error(path, name, "shape " + Arrays.toString(shape) + " overflows");
        }
        if (end - begin != expected) {
            throw error(path, name, "byte length " + (end - begin) + " (data_offsets [" + begin + ", " + end
                    + "]) does not equal shape " + Arrays.toString(shape) + " × " + dtype + " size = " + expected);
        }
        return new Range(name, dtype, shape, begin, end);
    }

    private static boolean isLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }

    /** Sorted by offset, each tensor must start where the previous one ended, and the last end the data region. */
    private static void checkCoverage(Path path, List<Range> entries, long dataSize) {
        List<Range> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
        long covered = 0;
        Range prev = null;
        for (Range e : sorted) {
            if (e.begin < covered) {
                throw error(path, e.name, "data [" + e.begin + ", " + e.end + ") overlaps tensor '" + prev.name
                        + "' [" + prev.begin + ", " + prev.end + ")");
            }
            if (e.begin > covered) {
                throw error(path, e.name, "data starts at " + e.begin + " but the previous tensor ends at " + covered
                        + ": bytes [" + covered + ", " + e.begin + ") belong to no tensor");
            }
            covered = e.end;
            prev = e;
        }
        if (covered != dataSize) {
            throw error(path, null, "the data region has " + dataSize + " bytes but the tensors cover only "
                    + covered + " (size mismatch: extra or missing bytes)");
        }
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

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static ModelFormatException error(Path path, String tensor, String rule) {
        return new ModelFormatException(path + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + rule);
    }

    public Path path() {
        return path;
    }

    /** Tensors in header order, viewing the mapped data region; refused for a file read with {@link #readHeader}. */
    public Map<String, Tensor> tensors() {
        if (tensors == null) {
            throw new IllegalStateException(path + ": only the header was read (readHeader); nothing is mapped");
        }
        return tensors;
    }

    /** Whether the data region is mapped ({@link #open}) rather than only the header read ({@link #readHeader}). */
    public boolean isMapped() {
        return tensors != null;
    }

    /** Where each tensor's bytes lie in the file, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
