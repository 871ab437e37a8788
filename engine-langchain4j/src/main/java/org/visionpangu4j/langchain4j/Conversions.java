package org.visionpangu4j.langchain4j;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.StopReason;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** LangChain4j requests to Engine messages and generation options, and Engine results to LangChain4j responses. */
final class Conversions {
    private Conversions() {
    }

    // ---- messages -------------------------------------------------------------------------------------------

    static List<ChatMessage> messages(List<dev.langchain4j.data.message.ChatMessage> in) {
        List<ChatMessage> out = new ArrayList<>(in.size());
        for (dev.langchain4j.data.message.ChatMessage m : in) {
            out.add(message(m));
        }
        return out;
    }

    private static ChatMessage message(dev.langchain4j.data.message.ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return ChatMessage.system(s.text());
        }
        if (m instanceof UserMessage u) {
            return user(u);
        }
        if (m instanceof AiMessage a) {
            if (a.hasToolExecutionRequests()) {
                throw new UnsupportedFeatureException("tool execution requests are not supported by VisionPangu");
            }
            return ChatMessage.assistant(a.text() == null ? "" : a.text());
        }
        throw new UnsupportedFeatureException(m.type() + " messages are not supported by VisionPangu"
                + " (no tool calling); use system, user and AI messages");
    }

    /**
     * Text contents joined by newlines, images attached in order. The images go where the text has
     * {@code <image>} placeholders, or else all before the text (InternVL's layout), wherever they stand among the
     * contents: {@code UserMessage.from(TextContent.from(q), ImageContent.from(...))} equals
     * {@code Engine.caption(image, q)}.
     */
    private static ChatMessage user(UserMessage u) {
        List<String> texts = new ArrayList<>();
        List<ImageInput> images = new ArrayList<>();
        for (Content c : u.contents()) {
            if (c instanceof TextContent t) {
                texts.add(t.text());
            } else if (c instanceof ImageContent i) {
                images.add(image(i.image()));
            } else {
                throw new UnsupportedFeatureException(c.type() + " content is not supported by VisionPangu;"
                        + " use text and images");
            }
        }
        return ChatMessage.user(String.join("\n", texts), images.toArray(ImageInput[]::new));
    }

    /** Base64 data, a {@code data:} URI or a local {@code file:} URL; remote URLs are not fetched. */
    static ImageInput image(Image image) {
        if (image.base64Data() != null) {
            return ImageInput.of(base64(image.base64Data()));
        }
        URI url = image.url();
        if (url == null) {
            throw new IllegalArgumentException("image has neither base64 data nor a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> ImageInput.of(Path.of(url));
            case "data" -> ImageInput.of(dataUri(url.toString()));
            default -> throw new UnsupportedFeatureException("image URL " + url + " is not supported: VisionPangu"
                    + " reads base64 data and local file: URLs, it does not fetch remote images");
        };
    }

    private static byte[] dataUri(String uri) {
        int comma = uri.indexOf(',');
        if (comma < 0 || !uri.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
            throw new IllegalArgumentException("image data URI must be data:<type>;base64,<data>");
        }
        return base64(uri.substring(comma + 1));
    }

    private static byte[] base64(String data) {
        try {
            return Base64.getDecoder().decode(data.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("image data is not valid base64: " + e.getMessage(), e);
        }
    }

    // ---- parameters -----------------------------------------------------------------------------------------

    /**
     * The request parameters LangChain4j defines, as generation options: temperature (absent = greedy), top-p,
     * top-k, max output tokens (absent = {@link Engine#DEFAULT_MAX_NEW_TOKENS}), stop sequences. Tools, JSON
     * output and frequency/presence penalties have no equivalent here and are refused.
     */
    static GenerationOptions options(ChatRequestParameters p, Long seed) {
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by VisionPangu");
        }
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            throw new UnsupportedFeatureException("JSON response format is not supported by VisionPangu");
        }
        if (p.frequencyPenalty() != null && p.frequencyPenalty() != 0) {
            throw new UnsupportedFeatureException("frequency penalty is not supported by VisionPangu");
        }
        if (p.presencePenalty() != null && p.presencePenalty() != 0) {
            throw new UnsupportedFeatureException("presence penalty is not supported by VisionPangu");
        }
        GenerationOptions.Builder b = GenerationOptions.builder()
                .maxNewTokens(p.maxOutputTokens() == null ? Engine.DEFAULT_MAX_NEW_TOKENS : p.maxOutputTokens());
        if (p.temperature() != null) {
            b.temperature(p.temperature());
        }
        if (p.topP() != null) {
            b.topP(p.topP());
        }
        if (p.topK() != null) {
            b.topK(p.topK());
        }
        if (p.stopSequences() != null) {
            b.stopStrings(p.stopSequences());
        }
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }

    // ---- responses ------------------------------------------------------------------------------------------

    static ChatResponse response(Completion c, String modelName) {
        int prompt = c.promptTokenIds().length;
        int output = c.tokenIds().length;
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(c.text()))
                .tokenUsage(new TokenUsage(prompt, output, prompt + output))
                .finishReason(finishReason(c.stopReason()))
                .modelName(modelName)
                .build();
    }

    static FinishReason finishReason(StopReason r) {
        return switch (r) {
            case EOS, STOP_STRING -> FinishReason.STOP;
            case MAX_TOKENS, CONTEXT_FULL -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }
}
