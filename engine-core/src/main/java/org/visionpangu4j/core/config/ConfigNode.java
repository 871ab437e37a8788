package org.visionpangu4j.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.visionpangu4j.core.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One JSON object of a model's configuration files, read with its types checked. Every error is a
 * {@link ModelFormatException} that names the file and the key's full path ({@code llm_config.hidden_size}). Knows
 * no model: which keys exist and what they mean is the business of the code that reads them.
 *
 * <p>Strict where a lenient reading would be silently wrong: a file must hold exactly one JSON object (trailing
 * content is refused), integers must be integral and in range, numbers finite, booleans {@code true}/{@code false}
 * (or 0/1, which InternVL writes for some flags).
 */
public final class ConfigNode {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode node;
    private final String source;
    private final String path;

    private ConfigNode(JsonNode node, String source, String path) {
        this.node = node;
        this.source = source;
        this.path = path;
    }

    /** Reads {@code file}, which must hold one JSON object. */
    public static ConfigNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + ": not found");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": not valid JSON" + at(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": not a JSON object");
        }
        return new ConfigNode(root, file.toString(), "");
    }

    /** Wraps a parsed object; {@code source} names it in errors (a file name, or a description). */
    public static ConfigNode of(JsonNode object, String source) {
        if (object == null || !object.isObject()) {
            throw new ModelFormatException(source + ": not a JSON object");
        }
        return new ConfigNode(object, source, "");
    }

    private static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** The full path of {@code key} in this object, e.g. {@code llm_config.rope_theta}. */
    public String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The file (or description) this object came from. */
    public String source() {
        return source;
    }

    /** An error about this object, prefixed with its source. */
    public ModelFormatException error(String message) {
        return new ModelFormatException(source + ": " + message);
    }

    /** Whether {@code key} is present with a non-null value. */
    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** The raw value of {@code key} (null when absent or null), for keys whose shape varies. */
    public JsonNode raw(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** The nested object {@code key}, which must be present. */
    public ConfigNode object(String key) {
        return optObject(key).orElseThrow(() -> error("missing required key '" + where(key) + "' (an object)"));
    }

    public Optional<ConfigNode> optObject(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw error("key '" + where(key) + "' must be an object, got " + v.getNodeType());
        }
        return Optional.of(new ConfigNode(v, source, where(key)));
    }

    public int requiredInt(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            throw error("missing required key '" + where(key) + "' (an integer)");
        }
        return asInt(key, v);
    }

    public int optInt(String key, int def) {
        JsonNode v = raw(key);
        return v == null ? def : asInt(key, v);
    }

    private int asInt(String key, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error("key '" + where(key) + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    public double requiredDouble(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            throw error("missing required key '" + where(key) + "' (a number)");
        }
        return asDouble(key, v);
    }

    public double optDouble(String key, double def) {
        JsonNode v = raw(key);
        return v == null ? def : asDouble(key, v);
    }

    private double asDouble(String key, JsonNode v) {
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw error("key '" + where(key) + "' must be a number (finite), got " + v);
        }
        return v.doubleValue();
    }

    public boolean optBool(String key, boolean def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        // InternVL writes some flags as 0/1 (use_backbone_lora, use_llm_lora); other numbers are errors.
        if (v.isIntegralNumber() && v.canConvertToInt() && (v.intValue() == 0 || v.intValue() == 1)) {
            return v.intValue() == 1;
        }
        throw error("key '" + where(key) + "' must be a boolean, got " + v);
    }

    public String optText(String key, String def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw error("key '" + where(key) + "' must be a string, got " + v);
        }
        return v.asText();
    }

    /** A string or a list of strings ({@code architectures}); empty when absent. */
    public List<String> optTextList(String key) {
        JsonNode v = raw(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw error("key '" + where(key) + "' must be a string or a list of strings, got " + v);
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw error("key '" + where(key) + "' must list strings, got " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** Fails unless {@code ok}, with {@code message} about this object. */
    public void require(boolean ok, String message) {
        if (!ok) {
            throw error(message);
        }
    }

    @Override
    public String toString() {
        return source + (path.isEmpty() ? "" : " [" + path + "]");
    }
}
