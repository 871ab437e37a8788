package org.visionpangu4j.llm.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.visionpangu4j.core.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON reading for the byte-level BPE files: strict (a repeated key is an error, as it would silently drop an
 * entry), and every problem reported as a {@link ModelFormatException} naming the file and, for syntax errors, the
 * line and column.
 */
final class BpeJson {
    // A vocabulary is 150k distinct keys read once: canonicalizing (interning) them costs more than it saves.
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build());

    private BpeJson() {
    }

    /** A streaming parser over {@code file}. */
    static JsonParser open(Path file) {
        try {
            return MAPPER.getFactory().createParser(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The whole of {@code file} as a JSON object, or a missing node when the file does not exist. */
    static JsonNode readObjectIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return MissingNode.getInstance();
        }
        try (JsonParser p = open(file)) {
            JsonNode n = MAPPER.readTree(p);
            if (n == null || !n.isObject()) {
                throw new ModelFormatException(file + ": not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw malformed(file, e);
        }
    }

    /** The exception for an I/O or syntax error in {@code file}, with the location when Jackson knows it. */
    static ModelFormatException malformed(Path file, IOException e) {
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new ModelFormatException(file + ": invalid JSON" + where + ": " + j.getOriginalMessage(), e);
        }
        return new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
    }

    /** The parser's position, for messages about values that parse but make no sense. */
    static String at(JsonParser p) {
        JsonLocation l = p.currentLocation();
        return "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    static void expect(JsonParser p, JsonToken t, Path file, String what) throws IOException {
        if (p.currentToken() != t) {
            throw new ModelFormatException(file + ": " + what + " must be " + describe(t) + " (" + at(p) + ")");
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "a JSON object";
            case START_ARRAY -> "a JSON array";
            default -> t.toString();
        };
    }

    /**
     * Reads the vocabulary object the parser is at ({@code "token": id, …}) into tokens by id; the ids must be
     * exactly 0..n-1, each once.
     */
    static String[] readVocab(JsonParser p, Path file, String what) throws IOException {
        expect(p, JsonToken.START_OBJECT, file, what);
        List<String> tokens = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                throw new ModelFormatException(file + ": " + what + " maps '" + token + "' to " + p.getText()
                        + ", not an integer id (" + at(p) + ")");
            }
            tokens.add(token);
            ids.add(p.getIntValue());
        }
        expect(p, JsonToken.END_OBJECT, file, what);
        return byId(tokens, ids.stream().mapToInt(Integer::intValue).toArray(), file, what);
    }

    /** {@code tokens[i]} with {@code ids[i]} as an array by id; the ids must be exactly 0..n-1, each once. */
    static String[] byId(List<String> tokens, int[] ids, Path file, String what) {
        int n = tokens.size();
        String[] byId = new String[n];
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (id < 0 || id >= n) {
                throw new ModelFormatException(file + ": " + what + " gives '" + tokens.get(i) + "' the id " + id
                        + "; its " + n + " tokens must have the ids 0.." + (n - 1) + ", each once"
                        + (id < 0 ? " (ids are never negative)" : ""));
            }
            if (byId[id] != null) {
                throw new ModelFormatException(file + ": " + what + " gives the id " + id + " to both '" + byId[id]
                        + "' and '" + tokens.get(i) + "'");
            }
            byId[id] = tokens.get(i);
        }
        return byId;
    }
}
