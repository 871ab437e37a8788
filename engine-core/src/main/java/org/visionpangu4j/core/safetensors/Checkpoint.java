package org.visionpangu4j.core.safetensors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.tensor.Tensor;

import org.visionpangu4j.core.tensor.DType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * All tensors of a model directory: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}. Owns one shared {@link Arena} (a {@link ChunkedArena}, so that closing
 * gives all memory back to the OS); {@link #close()} unmaps every shard and frees every copy, after which tensors
 * obtained from it throw on access and this object refuses further use.
 *
 * <p><b>Resident memory.</b> A tensor costs resident memory only once its bytes are read. Two ways to read one:
 * <ul>
 *   <li>{@link #tensor} hands out the tensor as held for the checkpoint's whole life, zero-copy over the mapped
 *       file ({@link #open}) or copied into anonymous memory on first use ({@link #openInAnonymousMemory}); it is
 *       then <em>in use</em>, and {@link #preload()} reads its pages;</li>
 *   <li>{@link #withTemporaryMapping} maps one tensor on its own for the duration of a call and unmaps it after:
 *       for tensors read once at load and kept in another form (quantized), whose pages would otherwise stay in
 *       this process's page tables, counted in its RSS, for as long as the model lives.</li>
 * </ul>
 * {@link #heapCopy} reads a small tensor into the Java heap without mapping it; {@link #dtype} and {@link #shape}
 * read the header only.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper INDEX_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** Reads into anonymous memory go in pieces of this size (a ByteBuffer holds at most 2 GiB). */
    private static final int READ_CHUNK = 64 << 20;

    /** One tensor: where its bytes lie, and its view of the shard's mapping (null when nothing is mapped). */
    private record Source(Path file, SafeTensorsFile.Entry entry, Tensor mapped) {
    }

    private final Path dir;
    private final ChunkedArena arena;
    private final Map<String, Source> sources;
    private final Set<String> inUse = ConcurrentHashMap.newKeySet();
    /** Anonymous-memory copies, made on first use (only for checkpoints opened in anonymous memory). */
    private final Map<String, Tensor> copies = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Checkpoint(Path dir, ChunkedArena arena, Map<String, Source> sources) {
        this.dir = dir;
        this.arena = arena;
        this.sources = sources;
    }

    /**
     * Opens {@code path} (a model directory, or a single .safetensors file) and maps every shard read-only. Nothing
     * is read yet: pages become resident as tensors are used.
     */
    public static Checkpoint open(Path path) {
        return open(path, true);
    }

    /**
     * Opens {@code path} like {@link #open(Path)} but maps nothing: {@link #tensor} copies a tensor into anonymous
     * off-heap memory owned by this checkpoint on its first use (read from the file, never mapped), so the weights
     * in use can never fault back in from disk (for servers that must not stall after idle periods), and tensors
     * that are only converted ({@link #withTemporaryMapping}) are never copied. Costs one read of the tensors in
     * use and RAM for them.
     */
    public static Checkpoint openInAnonymousMemory(Path path) {
        return open(path, false);
    }

    private static Checkpoint open(Path path, boolean map) {
        ChunkedArena arena = new ChunkedArena();
        try {
            Map<String, Source> sources;
            Path dir;
            if (Files.isRegularFile(path)) {
                dir = path.toAbsolutePath().getParent();
                sources = sources(path, arena, map);
            } else if (Files.isDirectory(path)) {
                dir = path;
                Path index = path.resolve(INDEX);
                Path single = path.resolve(SINGLE);
                if (Files.isRegularFile(index)) {
                    sources = openSharded(index, arena, map);
                } else if (Files.isRegularFile(single)) {
                    sources = sources(single, arena, map);
                } else {
                    throw new ModelFormatException(path + ": no " + SINGLE + " or " + INDEX + " in the model directory");
                }
            } else {
                throw new ModelFormatException(path + ": no such file or directory");
            }
            return new Checkpoint(dir, arena, Collections.unmodifiableMap(sources));
        } catch (RuntimeException | Error e) {
            // Nothing may stay mapped when opening fails.
            arena.close();
            throw e;
        }
    }

    /** Validates one safetensors file and, when {@code map}, maps its data region into {@code arena}. */
    private static SafeTensorsFile shard(Path file, Arena arena, boolean map) {
        return map ? SafeTensorsFile.open(file, arena) : SafeTensorsFile.readHeader(file);
    }

    private static Source source(SafeTensorsFile shard, String name) {
        return new Source(shard.path(), shard.entries().get(name), shard.isMapped() ? shard.tensors().get(name) : null);
    }

    private static Map<String, Source> sources(Path file, Arena arena, boolean map) {
        SafeTensorsFile shard = shard(file, arena, map);
        Map<String, Source> sources = new LinkedHashMap<>();
        for (String name : shard.entries().keySet()) {
            sources.put(name, source(shard, name));
        }
        return sources;
    }

    /**
     * Reads the index and validates (and maps) each shard it names once. The index is authoritative: every entry
     * must name a present shard that holds the tensor; tensors of a shard that the index does not list are not
     * exposed.
     */
    private static Map<String, Source> openSharded(Path index, Arena arena, boolean map) {
        JsonNode root;
        try {
            root = INDEX_JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(index + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelFormatException(index + ": missing object 'weight_map'");
        }
        if (weightMap.isEmpty()) {
            throw new ModelFormatException(index + ": 'weight_map' lists no tensors");
        }
        Map<String, SafeTensorsFile> shards = new TreeMap<>();
        Map<String, Source> sources = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            String tensorName = e.getKey();
            JsonNode shardNode = e.getValue();
            String shardName = shardNode.isTextual() ? shardNode.asText() : "";
            // Shards live next to the index: a path component would let an index reach any file.
            if (shardName.isEmpty() || shardName.contains("/") || shardName.contains("\\")
                    || shardName.equals(".") || shardName.equals("..")) {
                throw new ModelFormatException(index + ": tensor '" + tensorName + "' maps to invalid shard name "
                        + shardNode);
            }
            SafeTensorsFile shard = shards.get(shardName);
            if (shard == null) {
                Path shardPath = index.resolveSibling(shardName);
                if (!Files.isRegularFile(shardPath)) {
                    throw new ModelFormatException(index + ": shard '" + shardName + "' (for tensor '" + tensorName
                            + "') is missing");
                }
                shard = shard(shardPath, arena, map);
                shards.put(shardName, shard);
            }
            if (!shard.entries().containsKey(tensorName)) {
                throw new ModelFormatException(index + ": tensor '" + tensorName + "' is not in shard '" + shardName
                        + "'");
            }
            sources.put(tensorName, source(shard, tensorName));
        }
        return sources;
    }

    /**
     * Reads the pages of every tensor in use (handed out by {@link #tensor} or {@link #tensors}) once, so they are
     * resident before the first request (no page faults then). Call it after building the model: tensors only read
     * through {@link #withTemporaryMapping} (e.g. quantized at load) are not read, as their pages would only take
     * memory. A no-op for tensors in anonymous memory.
     */
    public void preload() {
        checkOpen();
        for (String name : inUse) {
            Tensor t = sources.get(name).mapped();
            if (t != null && t.data().isMapped()) {
                t.data().load();
            }
        }
    }

    /**
     * Maps tensor {@code name} on its own, passes it to {@code read} and unmaps it when {@code read} returns (or
     * throws): its pages stay in the OS page cache but leave this process's resident memory. For tensors read once
     * and kept in another form, e.g. quantized into {@link #arena()}; the tensor must not escape {@code read}
     * (afterwards its accesses throw {@link IllegalStateException}). Nothing of this checkpoint's own mapping is
     * touched, and the tensor does not become in use.
     */
    public <R> R withTemporaryMapping(String name, Function<? super Tensor, ? extends R> read) {
        checkOpen();
        Source s = source(name);
        SafeTensorsFile.Entry e = s.entry();
        // Shared: conversions read the mapping from worker-pool threads. Closing it unmaps the file.
        try (Arena temporary = Arena.ofShared()) {
            MemorySegment bytes;
            if (e.byteSize() == 0) {
                bytes = temporary.allocate(0);
            } else {
                try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
                    bytes = ch.map(FileChannel.MapMode.READ_ONLY, e.offset(), e.byteSize(), temporary);
                } catch (IOException ex) {
                    throw new ModelFormatException(s.file() + ": cannot map tensor '" + name + "': " + ex, ex);
                }
            }
            return read.apply(new Tensor(name, e.dtype(), e.shape(), bytes.asReadOnly()));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("checkpoint " + dir + " is closed");
        }
    }

    public Path directory() {
        return dir;
    }

    public boolean has(String name) {
        checkOpen();
        return sources.containsKey(name);
    }

    /**
     * The tensor called {@code name} as this checkpoint holds it (a view of the mapped file, or its anonymous copy,
     * made now if it is the first use); a clear error if absent. The tensor is in use from now on.
     */
    public Tensor tensor(String name) {
        checkOpen();
        Source s = source(name);
        inUse.add(name);
        return s.mapped() != null ? s.mapped() : copies.computeIfAbsent(name, n -> copy(s));
    }

    /** The element type of tensor {@code name}, from the header (its bytes are not read). */
    public DType dtype(String name) {
        checkOpen();
        return source(name).entry().dtype();
    }

    /** The shape of tensor {@code name}, from the header (its bytes are not read). */
    public long[] shape(String name) {
        checkOpen();
        return source(name).entry().shape();
    }

    private Source source(String name) {
        Source s = sources.get(name);
        if (s == null) {
            throw new ModelFormatException(dir + ": tensor '" + name + "' not found in checkpoint");
        }
        return s;
    }

    /**
     * A copy of tensor {@code name} on the Java heap, read from the file with plain reads: for small parameters
     * that become {@code float[]} anyway (norm weights, biases). Reading them through the mapping would keep their
     * pages mapped, and the kernel maps a page-cache folio (up to 2 MiB) whole, so a few-KiB bias would keep
     * megabytes of its neighbours (quantized matrices) resident. The tensor does not become in use.
     */
    public Tensor heapCopy(String name) {
        checkOpen();
        Source s = source(name);
        long n = s.entry().byteSize();
        if (n > Integer.MAX_VALUE - 8) {
            throw new UnsupportedOperationException("tensor " + name + " has " + n + " bytes, too many for the heap");
        }
        MemorySegment bytes = MemorySegment.ofArray(new byte[(int) n]);
        read(s, bytes);
        return new Tensor(name, s.entry().dtype(), s.entry().shape(), bytes.asReadOnly());
    }

    /**
     * The row blocks {@code parts} (same dtype, same trailing dimensions) stacked in order into one tensor, copied
     * with plain reads into this checkpoint's arena: for layouts that store pieces of one parameter apart (q, k and
     * v of a fused qkv). Named after the parts, joined with {@code +}; none of the parts becomes in use.
     */
    public Tensor stackRows(List<String> parts) {
        checkOpen();
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to stack");
        }
        SafeTensorsFile.Entry first = source(parts.get(0)).entry();
        long[] shape = first.shape().clone();
        if (shape.length == 0) {
            throw new ModelFormatException(dir + ": tensor '" + first.name() + "' is a scalar; cannot stack rows");
        }
        long bytes = 0;
        long rows = 0;
        for (String p : parts) {
            SafeTensorsFile.Entry e = source(p).entry();
            long[] s = e.shape();
            boolean sameTail = s.length == shape.length;
            for (int i = 1; sameTail && i < s.length; i++) {
                sameTail = s[i] == shape[i];
            }
            if (e.dtype() != first.dtype() || !sameTail) {
                throw new ModelFormatException(dir + ": tensors " + parts + " cannot be stacked: '" + p + "' is "
                        + e.dtype() + java.util.Arrays.toString(s) + ", '" + first.name() + "' is " + first.dtype()
                        + java.util.Arrays.toString(first.shape()));
            }
            rows += s[0];
            bytes += e.byteSize();
        }
        shape[0] = rows;
        MemorySegment out = arena.allocate(Math.max(1, bytes), 64).asSlice(0, bytes);
        long off = 0;
        for (String p : parts) {
            Source s = source(p);
            read(s, out.asSlice(off, s.entry().byteSize()));
            off += s.entry().byteSize();
        }
        return new Tensor(String.join("+", parts), first.dtype(), shape, out.asReadOnly());
    }

    /** Reads the tensor's bytes from its file into new anonymous memory of this checkpoint's arena. */
    private Tensor copy(Source s) {
        SafeTensorsFile.Entry e = s.entry();
        MemorySegment copy = arena.allocate(Math.max(1, e.byteSize()), 64).asSlice(0, e.byteSize());
        read(s, copy);
        return new Tensor(e.name(), e.dtype(), e.shape(), copy.asReadOnly());
    }

    /** Fills {@code to} (the tensor's size) with the tensor's bytes, read from its file without mapping it. */
    private static void read(Source s, MemorySegment to) {
        SafeTensorsFile.Entry e = s.entry();
        try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
            for (long done = 0; done < e.byteSize(); ) {
                ByteBuffer buf = to.asSlice(done, Math.min(READ_CHUNK, e.byteSize() - done)).asByteBuffer();
                while (buf.hasRemaining()) {
                    if (ch.read(buf, e.offset() + done + buf.position()) < 0) {
                        throw new ModelFormatException(s.file() + ": tensor '" + e.name()
                                + "' runs past the end of the file (was it truncated after opening?)");
                    }
                }
                done += buf.capacity();
            }
        } catch (IOException ex) {
            throw new ModelFormatException(s.file() + ": cannot read tensor '" + e.name() + "': " + ex, ex);
        }
    }

    /**
     * Names of the tensors in use: handed out by {@link #tensor} or {@link #tensors} and so held for this
     * checkpoint's life (what {@link #preload} reads, and what anonymous memory holds copies of).
     */
    public Set<String> inUse() {
        checkOpen();
        return Set.copyOf(inUse);
    }

    /** Names in file order. */
    public Set<String> names() {
        checkOpen();
        return sources.keySet();
    }

    /** Every tensor, in file order, as {@link #tensor} hands it out: all of them are in use afterwards. */
    public Map<String, Tensor> tensors() {
        checkOpen();
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (String name : sources.keySet()) {
            all.put(name, tensor(name));
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * The arena that owns this checkpoint's mappings and copies; derived buffers (e.g. quantized weights) may be
     * allocated here and live as long as the checkpoint.
     */
    public Arena arena() {
        checkOpen();
        return arena;
    }

    /**
     * Announces that about {@code bytes} are about to be allocated from {@link #arena()} (e.g. every matrix a model
     * quantizes at load): they are then cut from one block of that size instead of 32 MiB chunks, so no partly used
     * chunk stays resident. Allocating more than announced still works (from chunks); less leaves the rest of the
     * block allocated until close.
     */
    public void reserve(long bytes) {
        checkOpen();
        arena.reserve(bytes);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Total element count over all tensors whose name starts with {@code prefix} ("" for all), from the header. */
    public long parameterCount(String prefix) {
        checkOpen();
        long n = 0;
        for (Source s : sources.values()) {
            if (s.entry().name().startsWith(prefix)) {
                n += Tensor.numel(s.entry().shape());
            }
        }
        return n;
    }

    /**
     * Unmaps every shard and frees every copy and buffer of the arena. Tensors taken from this checkpoint throw
     * {@link IllegalStateException} afterwards.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + dir + ", " + sources.size() + " tensors" + (closed ? ", closed]" : "]");
    }
}
