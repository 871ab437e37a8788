package org.visionpangu4j.llm.chat;

import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.llm.tokenizer.ImageTokens;

import java.util.ArrayList;
import java.util.List;

/**
 * InternVL's image placeholders: {@code <image>} in the prompt stands for one image and is replaced by
 * {@code <img>} + {@code <IMG_CONTEXT>} × (tokens per tile × tiles) + {@code </img>}, one block per image in order,
 * all of an image's tiles (thumbnail last) inside one block.
 */
public final class ImagePrompt {
    /** The placeholder users (and InternVL) write for an image. */
    public static final String PLACEHOLDER = "<image>";

    private ImagePrompt() {
    }

    /**
     * Adds missing placeholders: a message that carries images but has no {@code <image>} gets {@code "<image>\n"}
     * prepended once per image (InternVL prepends {@code <image>\n} to a question without one). A message that has
     * some placeholders must have exactly one per image it carries.
     */
    public static List<Message> withPlaceholders(List<Message> messages) {
        List<Message> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            int present = count(m.content());
            if (m.images() == 0 || present == m.images()) {
                out.add(m);
            } else if (present == 0) {
                out.add(new Message(m.role(), (PLACEHOLDER + "\n").repeat(m.images()) + m.content(), m.images()));
            } else {
                throw new VisionPanguException("a message carries " + m.images() + " image(s) but its text has "
                        + present + " " + PLACEHOLDER + " placeholder(s)");
            }
        }
        return out;
    }

    /**
     * Replaces the k-th {@code <image>} of {@code prompt} by the token block of image k with
     * {@code tilesPerImage[k]} tiles. With no images the prompt is returned unchanged (a literal {@code <image>} in a
     * text-only chat stays text, as in InternVL); otherwise the placeholder count must equal the image count.
     */
    public static String expand(String prompt, int[] tilesPerImage, int tokensPerTile) {
        if (tilesPerImage.length == 0) {
            return prompt;
        }
        if (tokensPerTile <= 0) {
            throw new VisionPanguException("tokens per tile must be positive, got " + tokensPerTile);
        }
        int found = count(prompt);
        if (found != tilesPerImage.length) {
            throw new VisionPanguException("the prompt has " + found + " " + PLACEHOLDER + " placeholder(s) but "
                    + tilesPerImage.length + " image(s) were given");
        }
        StringBuilder sb = new StringBuilder(prompt.length() + 16 * tokensPerTile);
        int from = 0;
        for (int k = 0; k < tilesPerImage.length; k++) {
            if (tilesPerImage[k] <= 0) {
                throw new VisionPanguException("image " + k + " has " + tilesPerImage[k] + " tiles");
            }
            int at = prompt.indexOf(PLACEHOLDER, from);
            sb.append(prompt, from, at).append(ImageTokens.IMG_START)
                    .append(ImageTokens.IMG_CONTEXT.repeat(Math.multiplyExact(tokensPerTile, tilesPerImage[k])))
                    .append(ImageTokens.IMG_END);
            from = at + PLACEHOLDER.length();
        }
        return sb.append(prompt, from, prompt.length()).toString();
    }

    /** Number of non-overlapping {@code <image>} occurrences. */
    static int count(String text) {
        int n = 0;
        for (int at = text.indexOf(PLACEHOLDER); at >= 0; at = text.indexOf(PLACEHOLDER, at + PLACEHOLDER.length())) {
            n++;
        }
        return n;
    }
}
