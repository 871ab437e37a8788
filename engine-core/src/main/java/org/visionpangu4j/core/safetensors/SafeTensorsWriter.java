package org.visionpangu4j.core.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.visionpangu4j.core.tensor.DType;
import org.visionpangu4j.core.tensor.Numerics;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a safetensors file: the header first (all shapes are known up front), then each tensor's bytes in the
 * order added, streamed through one small buffer, so a multi-gigabyte tensor never has to exist in memory.
 * Tensors added with {@link #zeros()} are not written at all: the file gets a hole there (sparse on file
 * systems that support it), which reads back as zeros.
 *
 * <pre>{@code
 * new SafeTensorsWriter()
 *     .add("w", DType.BF16, new long[]{4, 8}, SafeTensorsWriter.ofFloats(DType.BF16, i -> 0.01f * i))
 *     .write(path);
 * }</pre>
 *
 * The header is padded with spaces to a multiple of 8 bytes, as the reference writer does, so the data region
 * starts 8-byte aligned in the file.
 */
public final class SafeTensorsWriter {
    /** Bytes handed to a {@link TensorBytes} per call; a multiple of every dtype size. */
    static final int CHUNK = 1 << 20;

    /** Produces a tensor's little-endian bytes, in order. */
    @FunctionalInterface
    public interface TensorBytes {
        /**
         * Fills all remaining bytes of {@code dst} (little-endian order set) with the tensor's bytes starting at
         * byte {@code offset}. The writer calls this with increasing offsets that cover the tensor exactly once,
         * each chunk a whole number of elements, so a stateful generator (e.g. a random stream) is fine.
         */
        void fill(long offset, ByteBuffer dst);
    }

    /** Element {@code i} of a tensor, as a float. */
    @FunctionalInterface
    public interface ElementFunction {
        float value(long i);
    }

    private record Entry(String name, DType dtype, long[] shape, long byteSize, TensorBytes bytes) {
    }

    private static final TensorBytes ZEROS = (offset, dst) -> {
        throw new AssertionError("zeros are never filled, they are holes");
    };

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds an entry to {@code __metadata__}. */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor; its bytes are produced by {@code bytes} when {@link #write} runs. */
    public SafeTensorsWriter add(String name, DType dtype, long[] shape, TensorBytes bytes) {
        if (name.equals("__metadata__") || !names.add(name)) {
            throw new IllegalArgumentException("tensor name '" + name + "' is reserved or already added");
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
            }
        }
        long byteSize = Math.multiplyExact(Tensor.numel(shape), dtype.byteSize());
        entries.add(new Entry(name, dtype, shape.clone(), byteSize, bytes));
        return this;
    }

    /** Adds a copy of an existing tensor (e.g. one from another checkpoint), in its own dtype. */
    public SafeTensorsWriter add(Tensor t) {
        return add(t.name(), t.dtype(), t.shape(), ofSegment(t.data()));
    }

    /** Writes the file, replacing {@code path} if it exists. */
    public void write(Path path) {
        byte[] header = header();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(ch, len, 0);
            writeFully(ch, ByteBuffer.wrap(header), 8);
            long pos = 8L + header.length;
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                if (e.bytes != ZEROS) {
                    writeTensor(ch, e, pos, buf);
                }
                pos += e.byteSize;
            }
            // A trailing hole only exists once the file reaches its full length.
            if (ch.size() < pos) {
                writeFully(ch, ByteBuffer.allocate(1), pos - 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    private static void writeTensor(FileChannel ch, Entry e, long pos, ByteBuffer buf) throws IOException {
        for (long off = 0; off < e.byteSize; ) {
            int n = (int) Math.min(CHUNK, e.byteSize - off);
            buf.clear().limit(n);
            e.bytes.fill(off, buf);
            if (buf.hasRemaining()) {
                throw new IllegalStateException("tensor " + e.name + ": source left " + buf.remaining()
                        + " of " + n + " bytes unfilled at offset " + off);
            }
            buf.flip();
            writeFully(ch, buf, pos + off);
            off += n;
        }
    }

    /** The JSON header, space-padded to a multiple of 8 bytes. */
    byte[] header() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name);
            t.put("dtype", e.dtype.name());
            var shape = t.putArray("shape");
            for (long d : e.shape) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + e.byteSize);
            offset += e.byteSize;
        }
        byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) & ~7;
        byte[] out = Arrays.copyOf(text, padded);
        Arrays.fill(out, text.length, padded, (byte) ' ');
        return out;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    // ---- sources ----------------------------------------------------------------------------------------------

    /** All-zero bytes, left as a hole in the file (nothing is written). */
    public static TensorBytes zeros() {
        return ZEROS;
    }

    /** The given raw bytes (already little-endian in the target dtype). */
    public static TensorBytes ofBytes(byte[] bytes) {
        return (offset, dst) -> dst.put(bytes, Math.toIntExact(offset), dst.remaining());
    }

    /** The bytes of {@code segment}, e.g. a tensor mapped from another file. */
    public static TensorBytes ofSegment(MemorySegment segment) {
        return (offset, dst) -> {
            int n = dst.remaining();
            MemorySegment.ofBuffer(dst).copyFrom(segment.asSlice(offset, n));
            dst.position(dst.limit());
        };
    }

    /** {@code values} encoded as {@code dtype} (F32, F16, BF16 round to nearest even; F64 widens). */
    public static TensorBytes ofFloats(DType dtype, float[] values) {
        return ofFloats(dtype, i -> values[Math.toIntExact(i)]);
    }

    /** Element i = {@code f.value(i)}, encoded as {@code dtype}; f is called once per element, in order. */
    public static TensorBytes ofFloats(DType dtype, ElementFunction f) {
        int size = dtype.byteSize();
        return switch (dtype) {
            case F32 -> (offset, dst) -> {
                for (long i = offset / size; dst.hasRemaining(); i++) {
                    dst.putFloat(f.value(i));
                }
            };
            case BF16 -> (offset, dst) -> {
                for (long i = offset / size; dst.hasRemaining(); i++) {
                    dst.putShort(Numerics.floatToBf16(f.value(i)));
                }
            };
            case F16 -> (offset, dst) -> {
                for (long i = offset / size; dst.hasRemaining(); i++) {
                    dst.putShort(Numerics.floatToF16(f.value(i)));
                }
            };
            case F64 -> (offset, dst) -> {
                for (long i = offset / size; dst.hasRemaining(); i++) {
                    dst.putDouble(f.value(i));
                }
            };
            default -> throw new IllegalArgumentException(dtype + " is not a floating-point dtype; use ofLongs");
        };
    }

    /** Integer {@code values} encoded as {@code dtype} (I64, I32, I16, I8, U8, BOOL), truncating to its width. */
    public static TensorBytes ofLongs(DType dtype, long[] values) {
        return (offset, dst) -> {
            for (int i = Math.toIntExact(offset / dtype.byteSize()); dst.hasRemaining(); i++) {
                switch (dtype) {
                    case I64 -> dst.putLong(values[i]);
                    case I32 -> dst.putInt((int) values[i]);
                    case I16 -> dst.putShort((short) values[i]);
                    case I8, U8, BOOL -> dst.put((byte) values[i]);
                    default -> throw new IllegalArgumentException(dtype + " is not an integer dtype; use ofFloats");
                }
            }
        };
    }
}
