package org.visionpangu4j.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.visionpangu4j.Completion;
import org.visionpangu4j.StopReason;

import java.io.IOException;

/** OpenAI's wire objects: completions, stream chunks, usage, errors, the model list; and the strict request parser. */
final class OpenAiJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper WRITER = new ObjectMapper();

    private final ObjectMapper reader;

    /** A parser for request bodies of at most {@code maxBodyBytes}. */
    OpenAiJson(long maxBodyBytes) {
        int max = (int) Math.min(Integer.MAX_VALUE, maxBodyBytes);
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(max).maxDocumentLength(maxBodyBytes).maxNestingDepth(64).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.reader = new ObjectMapper(f).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The body as a JSON tree; 400 naming the problem (never echoing the body) when it is not valid JSON. */
    JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.invalid(null, "request body is empty; expected a JSON object");
        }
        try {
            return reader.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiException.invalid(null, "invalid_json", "request body is not valid JSON" + where + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalid(null, "invalid_json", "request body cannot be read as JSON: " + e.getMessage());
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode error(ApiException e) {
        ObjectNode err = NODES.objectNode();
        err.put("message", e.getMessage());
        err.put("type", e.type());
        err.put("param", e.param());
        err.put("code", e.code());
        ObjectNode root = NODES.objectNode();
        root.set("error", err);
        return root;
    }

    /** {@code stop} when the model or a stop sequence ended the reply, {@code length} when a limit did. */
    static String finishReason(StopReason r) {
        return switch (r) {
            case EOS, STOP_STRING -> "stop";
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case CANCELLED -> throw new IllegalArgumentException("a cancelled request has no finish reason");
        };
    }

    static ObjectNode usage(Completion c) {
        int prompt = c.promptTokenIds().length;
        int completion = c.tokenIds().length;
        ObjectNode u = NODES.objectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    /** A {@code chat.completion} object: one choice with the whole reply. */
    static ObjectNode completion(String id, long created, String model, Completion c) {
        ObjectNode root = header(id, "chat.completion", created, model);
        ObjectNode msg = NODES.objectNode();
        msg.put("role", "assistant");
        msg.put("content", c.text());
        ObjectNode choice = NODES.objectNode();
        choice.put("index", 0);
        choice.set("message", msg);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(c.stopReason()));
        root.putArray("choices").add(choice);
        root.set("usage", usage(c));
        return root;
    }

    /** A {@code chat.completion.chunk} with one choice: {@code delta} and, in the last, the finish reason. */
    static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finishReason,
                            boolean withUsageField) {
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        ObjectNode choice = NODES.objectNode();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        root.putArray("choices").add(choice);
        if (withUsageField) {
            root.putNull("usage");
        }
        return root;
    }

    /** The last chunk of a stream asked to include usage: no choices, the token counts. */
    static ObjectNode usageChunk(String id, long created, String model, Completion c) {
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        root.putArray("choices");
        root.set("usage", usage(c));
        return root;
    }

    static ObjectNode delta(String role, String content) {
        ObjectNode d = NODES.objectNode();
        if (role != null) {
            d.put("role", role);
        }
        if (content != null) {
            d.put("content", content);
        }
        return d;
    }

    static ObjectNode model(String name, long created) {
        ObjectNode m = NODES.objectNode();
        m.put("id", name);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "visionpangu4j");
        return m;
    }

    static ObjectNode models(String name, long created) {
        ObjectNode root = NODES.objectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        data.add(model(name, created));
        return root;
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        ObjectNode root = NODES.objectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }
}
