package org.visionpangu4j.llm.chat;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.llm.model.Fixture;
import org.visionpangu4j.llm.tokenizer.ImageTokens;
import org.visionpangu4j.llm.tokenizer.SentencePieceTokenizer;
import org.visionpangu4j.llm.tokenizer.Tokenizer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImagePromptTest {
    static String block(int contexts) {
        return "<img>" + "<IMG_CONTEXT>".repeat(contexts) + "</img>";
    }

    @Test
    void severalImagesExpandInOrder() {
        String out = ImagePrompt.expand("A<image>B<image>C", new int[] {2, 1}, 3);
        assertEquals("A" + block(6) + "B" + block(3) + "C", out);
    }

    @Test
    void placeholdersArePrependedOncePerImageWhenMissing() {
        List<Message> out = ImagePrompt.withPlaceholders(List.of(Message.system("s"), Message.user("q", 2)));
        assertEquals("s", out.get(0).content());
        assertEquals("<image>\n<image>\nq", out.get(1).content());
        // Already placed placeholders are left alone.
        assertEquals("x <image> y", ImagePrompt.withPlaceholders(List.of(Message.user("x <image> y", 1)))
                .get(0).content());
    }

    @Test
    void mismatchedCountsAreClearErrors() {
        assertThrows(VisionPanguException.class, () -> ImagePrompt.expand("<image>", new int[] {1, 1}, 16));
        assertThrows(VisionPanguException.class, () -> ImagePrompt.expand("<image><image>", new int[] {1}, 16));
        assertThrows(VisionPanguException.class, () -> ImagePrompt.expand("<image>", new int[] {0}, 16));
        assertThrows(VisionPanguException.class,
                () -> ImagePrompt.withPlaceholders(List.of(Message.user("<image> and", 2))));
        assertThrows(VisionPanguException.class, () -> new Message(Role.SYSTEM, "s", 1));
    }

    @Test
    void textOnlyPromptKeepsALiteralPlaceholder() {
        assertEquals("see <image>", ImagePrompt.expand("see <image>", new int[0], 16));
    }

    @Test
    void twoImagesTokenizeToTwoBlocksWithTheTokenizersIds() {
        Tokenizer tok = SentencePieceTokenizer.load(Fixture.dir());
        ImageTokens it = tok.imageTokens();
        ChatPrompt p = ChatPrompt.build(tok, new OpenPanguTemplate(), List.of(Message.user("compare", 2)),
                new int[] {2, 3}, 4);
        assertEquals(20, p.imageContexts());
        int starts = 0;
        int ends = 0;
        for (int id : p.ids()) {
            starts += id == it.imgStart() ? 1 : 0;
            ends += id == it.imgEnd() ? 1 : 0;
        }
        assertEquals(2, starts);
        assertEquals(2, ends);
        assertThrows(VisionPanguException.class, () -> ChatPrompt.build(tok, new OpenPanguTemplate(),
                List.of(Message.user("compare", 2)), new int[] {2}, 4));
    }
}
