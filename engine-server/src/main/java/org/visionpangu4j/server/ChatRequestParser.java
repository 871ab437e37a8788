package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.GenerationOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an OpenAI chat-completions request. Fields this server does not know are ignored; fields it knows must have
 * OpenAI's types and ranges (explicit {@code null} = absent); fields OpenAI defines whose effect this engine cannot
 * provide (tools, logprobs, JSON mode, penalties, {@code n > 1}) are refused rather than silently dropped.
 *
 * <p>Message content is a string or a list of parts ({@code text}, {@code image_url}). The parts of a user message
 * become one turn: its text parts joined by newlines, its images attached in order. The images go where the text
 * has {@code <image>} placeholders, or, without placeholders, all before the text (InternVL's layout, which the model
 * was trained on; vLLM does the same), wherever the client put them among the parts: {@code [text, image]} and
 * {@code [image, text]} both equal {@code Engine.caption(image, text)}.
 */
final class ChatRequestParser {
    /** OpenAI's limit on stop sequences. */
    static final int MAX_STOP_SEQUENCES = 4;

    private final ImageUrls images;
    private final int maxImages;
    private final int defaultMaxTokens;

    ChatRequestParser(ServerOptions options) {
        this.images = new ImageUrls(options.maxImageBytes(), options.fileImageDir());
        this.maxImages = options.maxImages();
        this.defaultMaxTokens = options.defaultMaxTokens();
    }

    ChatCompletionRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "request body must be a JSON object");
        }
        string(body, "model"); // any model name is accepted: this server serves one model
        refuseUnsupported(body);
        List<ChatMessage> messages = messages(body);
        boolean stream = bool(body, "stream", false);
        boolean includeUsage = false;
        JsonNode so = present(body, "stream_options");
        if (so != null) {
            requireObject(so, "stream_options");
            includeUsage = bool(so, "include_usage", false, "stream_options.include_usage");
        }
        return new ChatCompletionRequest(messages, generationOptions(body), stream, includeUsage);
    }

    // ---- messages -------------------------------------------------------------------------------------------

    private List<ChatMessage> messages(JsonNode body) {
        JsonNode arr = present(body, "messages");
        if (arr == null) {
            throw ApiException.invalid("messages", "missing required parameter 'messages'");
        }
        if (!arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must be a non-empty array");
        }
        List<ChatMessage> out = new ArrayList<>(arr.size());
        int[] imageCount = {0};
        for (int i = 0; i < arr.size(); i++) {
            out.add(message(arr.get(i), "messages[" + i + "]", imageCount));
        }
        return out;
    }

    private ChatMessage message(JsonNode m, String at, int[] imageCount) {
        requireObject(m, at);
        String role = string(m, "role", at + ".role");
        if (role == null) {
            throw ApiException.invalid(at + ".role", "missing required parameter '" + at + ".role'");
        }
        JsonNode toolCalls = present(m, "tool_calls");
        if (toolCalls != null && !(toolCalls.isArray() && toolCalls.isEmpty())) {
            throw ApiException.unsupported(at + ".tool_calls", "tool calls are not supported by this server");
        }
        return switch (role) {
            case "system", "developer" -> ChatMessage.system(textOnly(m, at, role));
            case "assistant" -> ChatMessage.assistant(textOnly(m, at, role));
            case "user" -> user(m, at, imageCount);
            case "tool", "function" -> throw ApiException.unsupported(at + ".role",
                    "role '" + role + "' is not supported: this server does not do tool calling");
            default -> throw ApiException.invalid(at + ".role", "invalid role '" + role
                    + "'; expected system, developer, user or assistant");
        };
    }

    /** System and assistant content: a string, text parts, or (assistant only) null. */
    private String textOnly(JsonNode m, String at, String role) {
        JsonNode c = present(m, "content");
        if (c == null) {
            if (role.equals("assistant")) {
                return "";
            }
            throw ApiException.invalid(at + ".content", "missing required parameter '" + at + ".content'");
        }
        if (c.isTextual()) {
            return c.textValue();
        }
        List<String> texts = new ArrayList<>();
        forEachPart(c, at + ".content", (part, type, pat) -> {
            if (!type.equals("text")) {
                throw ApiException.invalid(pat + ".type", "only user messages may carry images; a " + role
                        + " message's content parts must be of type 'text'");
            }
            texts.add(partText(part, pat));
        });
        return String.join("\n", texts);
    }

    private ChatMessage user(JsonNode m, String at, int[] imageCount) {
        JsonNode c = present(m, "content");
        if (c == null) {
            throw ApiException.invalid(at + ".content", "missing required parameter '" + at + ".content'");
        }
        if (c.isTextual()) {
            return ChatMessage.user(c.textValue());
        }
        List<String> texts = new ArrayList<>();
        List<ImageInput> attached = new ArrayList<>();
        forEachPart(c, at + ".content", (part, type, pat) -> {
            switch (type) {
                case "text" -> texts.add(partText(part, pat));
                case "image_url" -> {
                    if (++imageCount[0] > maxImages) {
                        throw ApiException.invalid(pat, "too_many_images",
                                "a request may carry at most " + maxImages + " image(s)");
                    }
                    attached.add(image(part, pat));
                }
                default -> throw ApiException.invalid(pat + ".type", "unsupported content part type '" + type
                        + "'; expected 'text' or 'image_url'");
            }
        });
        return ChatMessage.user(String.join("\n", texts), attached.toArray(ImageInput[]::new));
    }

    private interface PartVisitor {
        void visit(JsonNode part, String type, String at);
    }

    private static void forEachPart(JsonNode content, String at, PartVisitor v) {
        if (!content.isArray()) {
            throw ApiException.invalid(at, "'" + at + "' must be a string or an array of content parts");
        }
        for (int j = 0; j < content.size(); j++) {
            String pat = at + "[" + j + "]";
            JsonNode part = content.get(j);
            requireObject(part, pat);
            String type = string(part, "type", pat + ".type");
            if (type == null) {
                throw ApiException.invalid(pat + ".type", "missing required parameter '" + pat + ".type'");
            }
            v.visit(part, type, pat);
        }
    }

    private static String partText(JsonNode part, String at) {
        String t = string(part, "text", at + ".text");
        if (t == null) {
            throw ApiException.invalid(at + ".text", "missing required parameter '" + at + ".text'");
        }
        return t;
    }

    /** {@code image_url} as {@code {"url": ..., "detail": ...}} (or, as some clients send it, the URL string). */
    private ImageInput image(JsonNode part, String at) {
        JsonNode iu = present(part, "image_url");
        String param = at + ".image_url";
        String url;
        if (iu != null && iu.isTextual()) {
            url = iu.textValue();
        } else {
            if (iu == null) {
                throw ApiException.invalid(param, "missing required parameter '" + param + "'");
            }
            requireObject(iu, param);
            param += ".url";
            url = string(iu, "url", param);
            string(iu, "detail", at + ".image_url.detail"); // the tiling is the model's; detail has no effect
            if (url == null) {
                throw ApiException.invalid(param, "missing required parameter '" + param + "'");
            }
        }
        return images.resolve(url, param);
    }

    // ---- generation options ---------------------------------------------------------------------------------

    private GenerationOptions generationOptions(JsonNode body) {
        GenerationOptions.Builder b = GenerationOptions.builder();
        Integer maxTokens = positiveInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(body, "max_tokens");
        }
        b.maxNewTokens(maxTokens == null ? defaultMaxTokens : maxTokens);
        Double temperature = number(body, "temperature");
        if (temperature != null) {
            if (!(temperature >= 0 && temperature <= 2)) {
                throw ApiException.invalid("temperature", "'temperature' must be between 0 and 2, got " + temperature);
            }
            b.temperature(temperature);
        }
        Double topP = number(body, "top_p");
        if (topP != null) {
            if (!(topP >= 0 && topP <= 1)) {
                throw ApiException.invalid("top_p", "'top_p' must be between 0 and 1, got " + topP);
            }
            // top_p → 0 keeps only the most likely token: greedy.
            if (topP == 0) {
                b.greedy();
            } else {
                b.topP(topP);
            }
        }
        JsonNode seed = present(body, "seed");
        if (seed != null) {
            if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
                throw ApiException.invalid("seed", "'seed' must be an integer");
            }
            b.seed(seed.longValue());
        }
        b.stopStrings(stop(body));
        return b.build();
    }

    private static List<String> stop(JsonNode body) {
        JsonNode s = present(body, "stop");
        if (s == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.textValue());
        } else if (s.isArray()) {
            if (s.size() > MAX_STOP_SEQUENCES) {
                throw ApiException.invalid("stop", "'stop' may hold at most " + MAX_STOP_SEQUENCES + " sequences");
            }
            for (int i = 0; i < s.size(); i++) {
                if (!s.get(i).isTextual()) {
                    throw ApiException.invalid("stop[" + i + "]", "'stop' must be a string or an array of strings");
                }
                out.add(s.get(i).textValue());
            }
        } else {
            throw ApiException.invalid("stop", "'stop' must be a string or an array of strings");
        }
        for (String t : out) {
            if (t.isEmpty()) {
                throw ApiException.invalid("stop", "stop sequences must not be empty");
            }
        }
        return out;
    }

    /** OpenAI parameters whose effect this engine does not provide: refused when they would change the reply. */
    private static void refuseUnsupported(JsonNode body) {
        Integer n = positiveInt(body, "n");
        if (n != null && n != 1) {
            throw ApiException.unsupported("n", "only n = 1 is supported");
        }
        JsonNode tools = present(body, "tools");
        if (tools != null && !(tools.isArray() && tools.isEmpty())) {
            throw ApiException.unsupported("tools", "tool calling is not supported by this server");
        }
        JsonNode functions = present(body, "functions");
        if (functions != null && !(functions.isArray() && functions.isEmpty())) {
            throw ApiException.unsupported("functions", "function calling is not supported by this server");
        }
        JsonNode rf = present(body, "response_format");
        if (rf != null) {
            requireObject(rf, "response_format");
            String type = string(rf, "type", "response_format.type");
            if (type != null && !type.equals("text")) {
                throw ApiException.unsupported("response_format.type",
                        "response_format '" + type + "' is not supported; only 'text'");
            }
        }
        if (bool(body, "logprobs", false)) {
            throw ApiException.unsupported("logprobs", "logprobs are not supported by this server");
        }
        for (String penalty : new String[]{"frequency_penalty", "presence_penalty"}) {
            Double p = number(body, penalty);
            if (p != null && p != 0) {
                throw ApiException.unsupported(penalty, "'" + penalty + "' is not supported (only 0)");
            }
        }
        JsonNode bias = present(body, "logit_bias");
        if (bias != null && !(bias.isObject() && bias.isEmpty())) {
            throw ApiException.unsupported("logit_bias", "'logit_bias' is not supported by this server");
        }
    }

    // ---- typed field access (explicit null = absent) ---------------------------------------------------------

    private static JsonNode present(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static void requireObject(JsonNode v, String at) {
        if (!v.isObject()) {
            throw ApiException.invalid(at, "'" + at + "' must be an object");
        }
    }

    private static String string(JsonNode obj, String field) {
        return string(obj, field, field);
    }

    private static String string(JsonNode obj, String field, String param) {
        JsonNode v = present(obj, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(param, "'" + param + "' must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode obj, String field, boolean absent) {
        return bool(obj, field, absent, field);
    }

    private static boolean bool(JsonNode obj, String field, boolean absent, String param) {
        JsonNode v = present(obj, field);
        if (v == null) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(param, "'" + param + "' must be a boolean, got " + kind(v));
        }
        return v.booleanValue();
    }

    private static Double number(JsonNode obj, String field) {
        JsonNode v = present(obj, field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiException.invalid(field, "'" + field + "' must be a number, got " + kind(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw ApiException.invalid(field, "'" + field + "' must be a finite number");
        }
        return d;
    }

    private static Integer positiveInt(JsonNode obj, String field) {
        JsonNode v = present(obj, field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer, got " + kind(v));
        }
        if (!v.canConvertToInt() || v.intValue() < 1) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer ≥ 1");
        }
        return v.intValue();
    }

    private static final Map<JsonNodeType, String> KINDS = Map.of(
            JsonNodeType.ARRAY, "an array",
            JsonNodeType.OBJECT, "an object",
            JsonNodeType.STRING, "a string",
            JsonNodeType.NUMBER, "a number",
            JsonNodeType.BOOLEAN, "a boolean");

    private static String kind(JsonNode v) {
        return KINDS.getOrDefault(v.getNodeType(), v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
}
