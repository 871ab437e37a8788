package org.visionpangu4j.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
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
                dir = path.getParent();
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
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, Tensor> openSharded(Path index, Arena arena) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index + ": missing object 'weight_map'");
        }
        Map<String, SafeTensorsFile> shards = new TreeMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shardName = e.getValue().asText();
            if (!e.getValue().isTextual() || shardName.contains("/") || shardName.contains("\\") || shardName.equals("..")) {
                throw new ModelFormatException(index + ": tensor '" + e.getKey() + "' maps to invalid shard name '"
                        + e.getValue() + "'");
            }
            Path shardPath = index.resolveSibling(shardName);
            SafeTensorsFile shard = shards.get(shardName);
            if (shard == null) {
                if (!Files.isRegularFile(shardPath)) {
                    throw new ModelFormatException(index + ": shard '" + shardName + "' (for tensor '" + e.getKey()
                            + "') is missing");
                }
                shard = SafeTensorsFile.open(shardPath, arena);
                shards.put(shardName, shard);
            }
            Tensor t = shard.tensors().get(e.getKey());
            if (t == null) {
                throw new ModelFormatException(index + ": tensor '" + e.getKey() + "' is not in shard '" + shardName + "'");
            }
            tensors.put(e.getKey(), t);
        }
        return tensors;
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

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
