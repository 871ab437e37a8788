package org.visionpangu4j;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.ContextOverflowException;
import org.visionpangu4j.core.ImageInputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrency, cancellation, streaming, stop strings and errors of the public Engine. */
class EngineBehaviourTest {
    static Engine engine;
    static final String[] IMAGES = {"alpha_badge.png", "landscape_shapes.png", "photo_board.jpg", "portrait_scene.jpg"};

    @BeforeAll
    static void load() {
        engine = Engine.load(TestModels.dir(), EngineOptions.builder().threads(2).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static Path image(String name) {
        return TestModels.dir().resolve("images").resolve(name);
    }

    static GenerationOptions greedy(int n) {
        return GenerationOptions.builder().maxNewTokens(n).build();
    }

    /** 8 threads × 25 captions on one shared engine give exactly the sequential results. */
    @Test
    void concurrentCaptionsEqualSequential() throws Exception {
        int requests = 8 * 25;
        List<int[]> sequential = new ArrayList<>();
        for (String img : IMAGES) {
            sequential.add(engine.caption(ImageInput.of(image(img)), "Describe this image in detail.", greedy(6))
                    .tokenIds());
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String img = IMAGES[i % IMAGES.length];
                results.add(threads.submit(() -> engine.caption(ImageInput.of(image(img)),
                        "Describe this image in detail.", greedy(6)).tokenIds()));
            }
            for (int i = 0; i < requests; i++) {
                assertArrayEquals(sequential.get(i % IMAGES.length), results.get(i).get(5, TimeUnit.MINUTES),
                        "request " + i + " (" + IMAGES[i % IMAGES.length] + ")");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Cancelling from the listener's thread after the 3rd token stops before a 4th decode step. */
    @Test
    void cancellationStopsWithinOneToken() {
        CancellationToken cancel = new CancellationToken();
        AtomicInteger pieces = new AtomicInteger();
        List<ChatMessage> msgs = List.of(ChatMessage.user("Who are you?"));
        GenerationOptions o = greedy(50);
        int[] seen = new int[1];
        Completion c = engine.chat(msgs, o, p -> pieces.incrementAndGet(), null);
        int full = c.tokenIds().length;
        assertTrue(full > 4, "the uncancelled reply is long enough to cancel (" + full + " tokens)");
        Completion cut = engine.chat(msgs, o, piece -> {
            if (++seen[0] == 1) {
                cancel.cancel();
            }
        }, cancel);
        assertEquals(StopReason.CANCELLED, cut.stopReason());
        assertTrue(cut.tokenIds().length <= c.tokenIds().length);
        assertTrue(cut.timings().decodeSteps() <= 1 + firstTextTokenIndex(c),
                "decode steps after cancel: " + cut.timings().decodeSteps());
    }

    /** Index of the first generated token that produced visible text (the first listener call happens there). */
    private static int firstTextTokenIndex(Completion c) {
        String acc = "";
        int[] ids = c.tokenIds();
        for (int i = 0; i < ids.length; i++) {
            acc = engine.tokenizer().decode(java.util.Arrays.copyOf(ids, i + 1), true).strip();
            if (!acc.isEmpty()) {
                return i;
            }
        }
        return ids.length;
    }

    @Test
    void submitCancelsFromAnotherThread() throws Exception {
        GenerationHandle h = engine.submit(List.of(ChatMessage.user("Tell me a story.")), greedy(10_000),
                TextListener.NONE);
        h.cancel();
        Completion c = h.result().get(1, TimeUnit.MINUTES);
        assertEquals(StopReason.CANCELLED, c.stopReason());
    }

    @Test
    void streamingPiecesConcatenateToTheReply() throws Exception {
        List<ChatMessage> msgs = List.of(ChatMessage.user("Describe it.", ImageInput.of(image("photo_board.jpg"))));
        Completion c = engine.chat(msgs, greedy(24));
        List<String> got = new CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        engine.stream(msgs, greedy(24)).subscribe(new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            public void onNext(String item) {
                got.add(item);
            }

            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(1, TimeUnit.MINUTES);
        assertEquals(c.text(), String.join("", got));
    }

    @Test
    void stopStringCutsTheReply() {
        List<ChatMessage> msgs = List.of(ChatMessage.user("Describe it.", ImageInput.of(image("photo_board.jpg"))));
        Completion full = engine.chat(msgs, greedy(24));
        String text = full.text();
        assertTrue(text.length() > 6, "reply long enough: '" + text + "'");
        String stop = text.substring(4, 6);
        StringBuilder streamed = new StringBuilder();
        Completion cut = engine.chat(msgs, GenerationOptions.builder().maxNewTokens(24).stopStrings(List.of(stop))
                .build(), streamed::append, null);
        assertEquals(StopReason.STOP_STRING, cut.stopReason());
        String expected = text.substring(0, text.indexOf(stop)).strip();
        assertEquals(expected, cut.text());
        assertEquals(cut.text(), streamed.toString());
    }

    @Test
    void promptLongerThanTheContextIsRefused() {
        try (Engine small = Engine.load(TestModels.dir(), EngineOptions.builder().threads(1).maxContext(64).build())) {
            ContextOverflowException e = assertThrows(ContextOverflowException.class, () -> small.caption(
                    ImageInput.of(image("photo_board.jpg")), "Describe.", greedy(8)));
            assertTrue(e.getMessage().contains("64"), e.getMessage());
        }
    }

    @Test
    void badImagesAndClosedEngineFailClearly() {
        assertThrows(ImageInputException.class, () -> engine.caption(new byte[]{1, 2, 3}));
        Engine e = Engine.load(TestModels.dir(), EngineOptions.builder().threads(1).build());
        e.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> e.caption(image("alpha_badge.png")));
        assertTrue(closed.getMessage().contains("closed"));
    }
}
