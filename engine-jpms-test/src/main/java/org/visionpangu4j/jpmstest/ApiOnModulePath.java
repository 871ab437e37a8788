package org.visionpangu4j.jpmstest;

import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.ModelInfo;
import org.visionpangu4j.core.ImageInputException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * {@code ApiOnModulePath MODEL_DIR IMAGE N}: loads the model, captions the image greedily with N new tokens,
 * streams a chat, provokes an error, and prints one line per result for the test to compare.
 */
public final class ApiOnModulePath {
    private ApiOnModulePath() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path image = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        ModelInfo info = Engine.inspect(model);
        System.out.println("family " + info.family() + "; layout " + info.layout());
        System.out.println("module " + Engine.class.getModule().getName() + " named " + Engine.class.getModule().isNamed());
        try (Engine engine = Engine.load(model, EngineOptions.builder().threads(2).build())) {
            Completion c = engine.caption(ImageInput.of(image), Engine.DEFAULT_CAPTION_PROMPT,
                    GenerationOptions.greedy(n));
            System.out.println("caption ids " + Arrays.toString(c.tokenIds()));
            System.out.println("stream " + String.join("", stream(engine, n)).equals(
                    engine.chat(List.of(ChatMessage.user("Hello")), GenerationOptions.greedy(n)).text()));
            try {
                engine.caption(new byte[] {1, 2, 3});
                System.out.println("error none");
            } catch (ImageInputException e) {
                System.out.println("error " + e.getClass().getSimpleName());
            }
        }
    }

    private static List<String> stream(Engine engine, int n) throws Exception {
        List<String> pieces = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        engine.stream(List.of(ChatMessage.user("Hello")), GenerationOptions.greedy(n)).subscribe(new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            public void onNext(String item) {
                pieces.add(item);
            }

            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(2, TimeUnit.MINUTES);
        return pieces;
    }
}
