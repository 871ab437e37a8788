package org.visionpangu4j.core.safetensors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * All tensors of a model directory: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}. Owns one shared {@link Arena}; {@link #close()} unmaps every shard, after
 * which tensors obtained from it throw on access and this object refuses further use.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper INDEX_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path dir;
    private final Arena arena;
    private final Map<String, Tensor> tensors;
    private volatile boolean closed;

    private Checkpoint(Path dir, Arena arena, Map<String, Tensor> tensors) {
        this.dir = dir;
        this.arena = arena;
        this.tensors = tensors;
    }

    /** Opens {@code path}: a model directory, or a single .safetensors file. */
    public static Checkpoint open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, Tensor> tensors;
            Path dir;
            if (Files.isRegularFile(path)) {
                dir = path.toAbsolutePath().getParent();
                tensors = SafeTensorsFile.open(path, arena).tensors();
            } else if (Files.isDirectory(path)) {
                dir = path;
                Path index = path.resolve(INDEX);
                Path single = path.resolve(SINGLE);
                if (Files.isRegularFile(index)) {
                    tensors = openSharded(index, arena);
                } else if (Files.isRegularFile(single)) {
                    tensors = SafeTensorsFile.open(single, arena).tensors();
                } else {
                    throw new ModelFormatException(path + ": no " + SINGLE + " or " + INDEX + " in the model directory");
                }
            } else {
                throw new ModelFormatException(path + ": no such file or directory");
            }
            return new Checkpoint(dir, arena, tensors);
        } catch (RuntimeException | Error e) {
            // Nothing may stay mapped when opening fails.
            arena.close();
            throw e;
        }
    }

    /**
     * Reads the index and maps each shard it names once. The index is authoritative: every entry must name a
     * present shard that holds the tensor; tensors of a shard that the index does not list are not exposed.
     */
    private static Map<String, Tensor> openSharded(Path index, Arena arena) {
        JsonNode root;
        try {
            root = INDEX_JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(index + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index + ": missing object 'weight_map'");
        }
        if (map.isEmpty()) {
            throw new ModelFormatException(index + ": 'weight_map' lists no tensors");
        }
        Map<String, SafeTensorsFile> shards = new TreeMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
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
                shard = SafeTensorsFile.open(shardPath, arena);
                shards.put(shardName, shard);
            }
            Tensor t = shard.tensors().get(tensorName);
            if (t == null) {
                throw new ModelFormatException(index + ": tensor '" + tensorName + "' is not in shard '" + shardName
                        + "'");
            }
            tensors.put(tensorName, t);
        }
        return tensors;
    }

    /**
     * Opens {@code path} like {@link #open(Path)}, then copies every tensor into anonymous off-heap memory owned by
     * the returned checkpoint and unmaps the files: the weights can then never fault back in from disk (for servers
     * that must not stall after idle periods). Costs one read of the files at load and RAM for all weights.
     */
    public static Checkpoint openInAnonymousMemory(Path path) {
        Arena arena = Arena.ofShared();
        try (Checkpoint mapped = open(path)) {
            Map<String, Tensor> copies = new LinkedHashMap<>();
            for (Tensor t : mapped.tensors.values()) {
                MemorySegment copy = arena.allocate(Math.max(1, t.data().byteSize()), 64)
                        .asSlice(0, t.data().byteSize());
                copy.copyFrom(t.data());
                copies.put(t.name(), new Tensor(t.name(), t.dtype(), t.shape(), copy.asReadOnly()));
            }
            return new Checkpoint(mapped.dir, arena, Collections.unmodifiableMap(copies));
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads every mapped page once so the weights are resident before first use (no page faults in the first
     * request). A no-op for weights already in anonymous memory.
     */
    public void preload() {
        checkOpen();
        for (Tensor t : tensors.values()) {
            MemorySegment d = t.data();
            if (d.isMapped()) {
                d.load();
            }
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
        return tensors.containsKey(name);
    }

    /** The tensor called {@code name}; a clear error if absent. */
    public Tensor tensor(String name) {
        checkOpen();
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(dir + ": tensor '" + name + "' not found in checkpoint");
        }
        return t;
    }

    /** Names in file order. */
    public Set<String> names() {
        checkOpen();
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public Map<String, Tensor> tensors() {
        checkOpen();
        return Collections.unmodifiableMap(tensors);
    }

    /** The arena the weights are mapped in; derived buffers (e.g. quantized weights) may be allocated here. */
    public Arena arena() {
        checkOpen();
        return arena;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Total element count over all tensors whose name starts with {@code prefix} ("" for all). */
    public long parameterCount(String prefix) {
        checkOpen();
        long n = 0;
        for (Tensor t : tensors.values()) {
            if (t.name().startsWith(prefix)) {
                n += t.numel();
            }
        }
        return n;
    }

    /** Unmaps every shard. Tensors taken from this checkpoint throw {@link IllegalStateException} afterwards. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + dir + ", " + tensors.size() + " tensors" + (closed ? ", closed]" : "]");
    }
}
