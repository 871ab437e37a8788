package org.visionpangu4j.llm.chat;

import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.llm.tokenizer.ImageTokens;
import org.visionpangu4j.llm.tokenizer.Tokenizer;

import java.util.List;

/**
 * A rendered and tokenized chat prompt, ready for prefill.
 *
 * @param text          the prompt text after image expansion (without BOS)
 * @param ids           token ids, BOS included as the tokenizer is configured
 * @param imageContexts number of {@code <IMG_CONTEXT>} positions, i.e. image feature rows to substitute
 */
public record ChatPrompt(String text, int[] ids, int imageContexts) {

    /**
     * Renders {@code messages} with {@code template} (generation prompt added), inserts missing {@code <image>}
     * placeholders, expands image k to {@code tokensPerTile × tilesPerImage[k]} context tokens and tokenizes. Checks
     * that the ids hold exactly the expected number of {@code <IMG_CONTEXT>} tokens, with ids from the tokenizer.
     */
    public static ChatPrompt build(Tokenizer tokenizer, ChatTemplate template, List<Message> messages,
                                   int[] tilesPerImage, int tokensPerTile) {
        int attached = 0;
        for (Message m : messages) {
            attached += m.images();
        }
        if (attached != 0 && attached != tilesPerImage.length) {
            throw new VisionPanguException("the messages carry " + attached + " image(s) but tile counts for "
                    + tilesPerImage.length + " were given");
        }
        String text = template.render(ImagePrompt.withPlaceholders(messages), true);
        text = ImagePrompt.expand(text, tilesPerImage, tokensPerTile);
        int[] ids = tokenizer.encode(text);
        int expected = 0;
        for (int t : tilesPerImage) {
            expected += t * tokensPerTile;
        }
        int contexts = 0;
        if (tilesPerImage.length > 0) {
            ImageTokens it = tokenizer.imageTokens();
            for (int id : ids) {
                if (id == it.imgContext()) {
                    contexts++;
                }
            }
            if (contexts != expected) {
                throw new VisionPanguException("the prompt has " + contexts + " " + ImageTokens.IMG_CONTEXT
                        + " tokens but the images need " + expected + " (does the text itself contain image tokens?)");
            }
        }
        return new ChatPrompt(text, ids, contexts);
    }

    /** A text-only prompt. */
    public static ChatPrompt build(Tokenizer tokenizer, ChatTemplate template, List<Message> messages) {
        return build(tokenizer, template, messages, new int[0], 0);
    }
}
