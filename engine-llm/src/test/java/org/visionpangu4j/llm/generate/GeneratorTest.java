package org.visionpangu4j.llm.generate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.ContextOverflowException;
import org.visionpangu4j.llm.model.Decoder;
import org.visionpangu4j.llm.model.Fixture;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.model.SessionOptions;
import org.visionpangu4j.llm.model.WeightFormats;
import org.visionpangu4j.llm.tokenizer.SentencePieceTokenizer;
import org.visionpangu4j.llm.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation loop on the tiny model: greedy ids from the text golden, every stop reason, cancellation. */
class GeneratorTest {
    static Checkpoint model;
    static Checkpoint golden;
    static Decoder decoder;
    static WorkerPool pool;
    static int[] prompt;
    static int[] greedy;

    @BeforeAll
    static void load() {
        model = Fixture.model();
        golden = Fixture.golden("text.safetensors");
        decoder = Fixture.decoder(model, WeightFormats.asStored());
        pool = new WorkerPool(2);
        prompt = Fixture.ints(golden.tensor("input_ids"));
        greedy = Fixture.ints(golden.tensor("greedy_ids"));
    }

    @AfterAll
    static void close() {
        pool.close();
        golden.close();
        model.close();
    }

    /** Generation stopping on ids only; {@code ids} sees each kept token (may be null). */
    static GenerationResult generate(Session s, int[] prompt, GenerationSettings o, IntConsumer ids,
                                     BooleanSupplier cancelled) {
        StopCondition stop = StopCondition.ids(o, cancelled);
        if (ids != null) {
            stop.observe(ids);
        }
        return Generator.generate(s, prompt, o, stop);
    }

    Session session() {
        return decoder.newSession(pool, SessionOptions.defaults().withContextLength(256));
    }

    @Test
    void greedyGenerationReproducesTheGoldenIdsAndStreamsThem() {
        List<Integer> streamed = new ArrayList<>();
        Session s = session();
        GenerationResult r = generate(s, prompt, GenerationSettings.greedy(16), streamed::add, null);
        assertArrayEquals(greedy, r.tokens());
        assertArrayEquals(greedy, streamed.stream().mapToInt(Integer::intValue).toArray());
        assertEquals(StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(66, r.promptTokens());
        assertEquals(15, r.decodeSteps());
        assertEquals(66 + 15, s.position(), "the last sampled token is not fed");
        assertTrue(r.prefillMillis() > 0 && r.decodeMillis() > 0 && r.decodeTokensPerSecond() > 0);
    }

    @Test
    void aStopIdEndsGenerationAndIsNotEmitted() {
        int stop = greedy[5];
        List<Integer> streamed = new ArrayList<>();
        GenerationResult r = generate(session(), prompt, GenerationSettings.greedy(16, 999, stop), streamed::add,
                null);
        assertArrayEquals(Arrays.copyOf(greedy, 5), r.tokens());
        assertEquals(5, streamed.size());
        assertEquals(StopReason.EOS, r.stopReason());
        assertEquals(stop, r.stopTokenId());
    }

    @Test
    void aStopStringEndsGenerationAndCutsTheReply() {
        Tokenizer tok = SentencePieceTokenizer.load(Fixture.dir());
        // The third greedy token's text (once decoded after the first two) as the stop string.
        String two = tok.decode(Arrays.copyOf(greedy, 2), true);
        String three = tok.decode(Arrays.copyOf(greedy, 3), true);
        String stopAt = three.substring(two.length());
        assertFalse(stopAt.isBlank() || two.contains(stopAt), "premise: the third token adds new visible text");
        GenerationSettings o = GenerationSettings.builder().maxNewTokens(16).stopStrings(List.of(stopAt)).build();
        StringBuilder streamed = new StringBuilder();
        StopCondition stop = StopCondition.withText(o, tok.streamingDecoder(true), streamed::append, null);
        GenerationResult r = Generator.generate(session(), prompt, o, stop);
        assertArrayEquals(Arrays.copyOf(greedy, 3), r.tokens());
        assertEquals(StopReason.STOP_STRING, r.stopReason());
        assertEquals(-1, r.stopTokenId());
        assertEquals(two.strip(), stop.text());
        assertEquals(stop.text(), streamed.toString());
    }

    @Test
    void aFullContextEndsGeneration() {
        // 66 prompt positions + 4 free: 4 tokens are fed back, the 5th is sampled and nowhere to go.
        Session s = decoder.newSession(pool, SessionOptions.defaults().withContextLength(70));
        GenerationResult r = generate(s, prompt, GenerationSettings.greedy(16), null, null);
        assertArrayEquals(Arrays.copyOf(greedy, 5), r.tokens());
        assertEquals(StopReason.CONTEXT_FULL, r.stopReason());
        assertEquals(70, s.position());
    }

    @Test
    void aPromptThatDoesNotFitThrowsBeforeGenerating() {
        Session s = decoder.newSession(pool, SessionOptions.defaults().withContextLength(40));
        ContextOverflowException e = assertThrows(ContextOverflowException.class,
                () -> generate(s, prompt, GenerationSettings.greedy(4), null, null));
        assertTrue(e.getMessage().contains("66") && e.getMessage().contains("40"), e.getMessage());
        assertEquals(0, s.position());
    }

    @Test
    void cancellingFromAnotherThreadStopsWithinOneToken() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        CountDownLatch firstToken = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        ExecutorService exec = Executors.newSingleThreadExecutor();
        try {
            Future<GenerationResult> f = exec.submit(() -> generate(session(), prompt,
                    GenerationSettings.greedy(100), id -> {
                        firstToken.countDown();
                        try {
                            // Hold the generator inside token 1 until the other thread has cancelled.
                            assertTrue(cancelled.await(30, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, cancel::get));
            assertTrue(firstToken.await(30, TimeUnit.SECONDS));
            cancel.set(true);
            cancelled.countDown();
            GenerationResult r = f.get(30, TimeUnit.SECONDS);
            assertEquals(StopReason.CANCELLED, r.stopReason());
            assertArrayEquals(new int[] {greedy[0]}, r.tokens());
            assertEquals(0, r.decodeSteps());
        } finally {
            exec.shutdownNow();
        }
    }

    @Test
    void anAlreadyCancelledTokenGeneratesNothing() {
        GenerationResult r = generate(session(), prompt, GenerationSettings.greedy(8), null, () -> true);
        assertEquals(0, r.tokens().length);
        assertEquals(StopReason.CANCELLED, r.stopReason());
    }

    @Test
    void seededSamplingIsReproducibleAndTheSeedIsReported() {
        GenerationSettings o = GenerationSettings.builder().maxNewTokens(12).temperature(1.0).topK(40).topP(0.95)
                .repetitionPenalty(1.1).seed(1234).build();
        GenerationResult a = generate(session(), prompt, o, null, null);
        GenerationResult b = generate(session(), prompt, o, null, null);
        assertArrayEquals(a.tokens(), b.tokens());
        assertEquals(12, a.tokens().length);
        assertEquals(1234, a.seed());

        GenerationResult c = generate(session(), prompt,
                GenerationSettings.builder().maxNewTokens(12).temperature(1.0).build(), null, null);
        GenerationResult d = generate(session(), prompt,
                GenerationSettings.builder().maxNewTokens(12).temperature(1.0).seed(c.seed()).build(), null, null);
        assertArrayEquals(c.tokens(), d.tokens(), "the reported seed reproduces an unseeded run");
    }

    @Test
    void maxNewTokensZeroOnlyPrefills() {
        Session s = session();
        GenerationResult r = generate(s, prompt, GenerationSettings.greedy(0), null, null);
        assertEquals(0, r.tokens().length);
        assertEquals(StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(66, s.position());
    }

    @Test
    void embeddingsPromptReproducesTheMultimodalGolden() {
        try (Checkpoint mm = Fixture.golden("multimodal.safetensors")) {
            int[] ids = Fixture.ints(mm.tensor("input_ids"));
            int[] expected = Fixture.ints(mm.tensor("generated_ids"));
            GenerationSettings o = GenerationSettings.greedy(expected.length, 15);
            GenerationResult r = Generator.generate(session(), mm.tensor("inputs_embeds").toFloatArray(), ids, o,
                    StopCondition.ids(o, null));
            assertArrayEquals(expected, r.tokens());
            assertEquals(171, r.promptTokens());
        }
    }
}
