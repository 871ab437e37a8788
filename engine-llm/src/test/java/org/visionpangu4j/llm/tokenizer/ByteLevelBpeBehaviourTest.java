package org.visionpangu4j.llm.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules the fixture does not exercise: added-token flags in both semantics, merge order, ignore_merges, caching. */
class ByteLevelBpeBehaviourTest {
    @TempDir
    Path tmp;

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }

    /** Slow and fast tokenizers over one vocabulary with the added token {@code <x>} carrying the given flags. */
    private ByteLevelBpeTokenizer[] both(boolean lstrip, boolean rstrip, boolean singleWord) throws IOException {
        TinyBpe t = new TinyBpe().merge("a", "b").added("<x>", true, lstrip, rstrip, singleWord);
        return new ByteLevelBpeTokenizer[] {ByteLevelBpeTokenizer.loadSlow(t.writeSlow(tmp.resolve("slow"))),
                ByteLevelBpeTokenizer.loadTokenizerJson(t.writeTokenizerJson(tmp.resolve("fast"), false))};
    }

    @Test
    void plainAddedTokenKeepsTheSpacesAroundIt() throws IOException {
        for (ByteLevelBpeTokenizer tok : both(false, false, false)) {
            int x = tok.tokenId("<x>").getAsInt();
            assertArrayEquals(concat(tok.encode("ab "), new int[] {x}, tok.encode("  ab")), tok.encode("ab <x>  ab"));
            assertEquals("ab <x>  ab", tok.decode(tok.encode("ab <x>  ab"), false));
        }
    }

    @Test
    void rstripSwallowsTheWhitespaceOnTheRight() throws IOException {
        for (ByteLevelBpeTokenizer tok : both(false, true, false)) {
            int x = tok.tokenId("<x>").getAsInt();
            assertArrayEquals(concat(tok.encode("ab "), new int[] {x}, tok.encode("ab")), tok.encode("ab <x> \t\n ab"),
                    tok.semantics().toString());
        }
    }

    @Test
    void lstripSwallowsTheWhitespaceOnTheLeft() throws IOException {
        for (ByteLevelBpeTokenizer tok : both(true, false, false)) {
            int x = tok.tokenId("<x>").getAsInt();
            assertArrayEquals(concat(tok.encode("ab"), new int[] {x}, tok.encode(" ab")), tok.encode("ab \u3000 <x> ab"),
                    tok.semantics().toString());
        }
    }

    @Test
    void stripWhitespaceIsPythonsForSlowAndWhiteSpaceForFast() throws IOException {
        ByteLevelBpeTokenizer[] t = both(true, false, false);
        int x = t[0].tokenId("<x>").getAsInt();
        // U+001F is whitespace to Python's str.rstrip but not Unicode White_Space (tokenizers' \s).
        assertArrayEquals(concat(t[0].encode("ab"), new int[] {x}), t[0].encode("ab \u001F<x>"));
        assertArrayEquals(concat(t[1].encode("ab \u001F"), new int[] {x}), t[1].encode("ab \u001F<x>"));
    }

    @Test
    void singleWordInsideAWord() throws IOException {
        ByteLevelBpeTokenizer[] t = both(false, false, true);
        ByteLevelBpeTokenizer slow = t[0];
        ByteLevelBpeTokenizer fast = t[1];
        int x = slow.tokenId("<x>").getAsInt();
        for (ByteLevelBpeTokenizer tok : t) {
            assertArrayEquals(concat(tok.encode("ab "), new int[] {x}, tok.encode(" ab")), tok.encode("ab <x> ab"));
        }
        // Slow glues the token to the word it touches and encodes that as text; fast ignores the match.
        int[] glued = slow.encode("ab<x>ab");
        assertArrayEquals(concat(slowText(slow, "ab<x>"), slowText(slow, "ab")), glued);
        assertFalse(IntStream.of(glued).anyMatch(id -> id == x));
        assertArrayEquals(slowText(fast, "ab<x>ab"), fast.encode("ab<x>ab"));
        // Only a space (not any whitespace) before the token lets slow look at the right side.
        assertArrayEquals(concat(slowText(slow, " "), slowText(slow, "<x>ab")), slow.encode(" <x>ab"));
        // tokenizers' \w includes '_' and digits.
        assertArrayEquals(slowText(fast, "_<x> "), fast.encode("_<x> "));
    }

    // Text encoded without cutting out added tokens, for the ASCII strings here over a vocabulary whose only merge
    // is "a b": the bytes of each pre-token, "ab" merged.
    private static int[] slowText(ByteLevelBpeTokenizer tok, String s) {
        IntStream.Builder b = IntStream.builder();
        for (int pos = 0; pos < s.length(); ) {
            int end = Qwen2PreTokenizer.pieceEnd(s, pos, s.length());
            String piece = s.substring(pos, end);
            for (int i = 0; i < piece.length(); i++) {
                boolean ab = piece.startsWith("ab", i);
                b.add(tok.tokenId(ab ? "ab" : String.valueOf(ByteLevelAlphabet.charOf(piece.charAt(i)))).getAsInt());
                i += ab ? 1 : 0;
            }
            pos = end;
        }
        return b.build().toArray();
    }

    @Test
    void slowMergesRoundByRoundFastByQueue() throws IOException {
        // A hand-made merges file where a merge creates a pair of lower rank: "aa a" (rank 0) before "a a" (rank 1).
        TinyBpe t = new TinyBpe().token("aa").merge("aa", "a").merge("a", "a");
        ByteLevelBpeTokenizer slow = ByteLevelBpeTokenizer.loadSlow(t.writeSlow(tmp.resolve("slow")));
        ByteLevelBpeTokenizer fast = ByteLevelBpeTokenizer.loadTokenizerJson(t.writeTokenizerJson(tmp.resolve("f"), false));
        int aa = slow.tokenId("aa").getAsInt();
        int aaa = slow.tokenId("aaa").getAsInt();
        int a = slow.tokenId("a").getAsInt();
        // GPT-2's bpe(): all "a a" first → aa aa. tokenizers: a a → aa, then "aa a" at once → aaa a.
        assertArrayEquals(new int[] {aa, aa}, slow.encode("aaaa"));
        assertArrayEquals(new int[] {aaa, a}, fast.encode("aaaa"));
        // With a trained order (parts before wholes) the two agree.
        TinyBpe trained = new TinyBpe().merge("a", "a").merge("aa", "a");
        ByteLevelBpeTokenizer s2 = ByteLevelBpeTokenizer.loadSlow(trained.writeSlow(tmp.resolve("s2")));
        ByteLevelBpeTokenizer f2 = ByteLevelBpeTokenizer.loadTokenizerJson(trained.writeTokenizerJson(tmp.resolve("f2"), false));
        for (String s : new String[] {"a", "aa", "aaa", "aaaa", "aaaaa", "aaaaaaa"}) {
            assertArrayEquals(s2.encode(s), f2.encode(s), s);
        }
    }

    @Test
    void ignoreMergesKeepsAWholeTokenWhole() throws IOException {
        TinyBpe t = new TinyBpe().token("xyz");   // no merge builds it
        ByteLevelBpeTokenizer plain = ByteLevelBpeTokenizer.loadTokenizerJson(t.writeTokenizerJson(tmp.resolve("a"), false));
        ByteLevelBpeTokenizer ignoring = ByteLevelBpeTokenizer.loadTokenizerJson(t.writeTokenizerJson(tmp.resolve("b"), true));
        assertEquals(3, plain.encode("xyz").length);
        assertArrayEquals(new int[] {ignoring.tokenId("xyz").getAsInt()}, ignoring.encode("xyz"));
    }

    @Test
    void longPreTokensAndTheCacheGiveTheSameIds() throws IOException {
        ByteLevelBpeTokenizer tok = ByteLevelBpeTokenizer.loadSlow(ByteLevelBpeGoldenTest.fixtureDir());
        String word = "internationalization";
        int[] once = tok.encode(word);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(once, tok.encode(word), "cached");
        }
        String longRun = "ab".repeat(5000);   // one pre-token of 10000 letters
        int[] ids = tok.encode(longRun);
        assertEquals(longRun, tok.decode(ids, false));
        String chinese = "你好世界".repeat(3000);   // letters without spaces: one long pre-token
        assertEquals(chinese, tok.decode(tok.encode(chinese), false));
    }

    @Test
    void loneSurrogateIsEncodedAsReplacementCharacter() throws IOException {
        ByteLevelBpeTokenizer tok = ByteLevelBpeTokenizer.loadSlow(ByteLevelBpeGoldenTest.fixtureDir());
        assertArrayEquals(tok.encode("a\uFFFDb"), tok.encode("a\uD800b"));
        assertTrue(tok.decode(tok.encode("x\uDC00"), false).endsWith("\uFFFD"));
    }
}
