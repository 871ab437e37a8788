package org.visionpangu4j;

import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.kernels.VectorSupport;
import org.visionpangu4j.llm.chat.ChatPrompt;
import org.visionpangu4j.llm.chat.ChatTemplate;
import org.visionpangu4j.llm.chat.Message;
import org.visionpangu4j.llm.generate.GenerationResult;
import org.visionpangu4j.llm.generate.GenerationSettings;
import org.visionpangu4j.llm.generate.Generator;
import org.visionpangu4j.llm.generate.StopCondition;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.tokenizer.Tokenizer;
import org.visionpangu4j.model.ModelSpec;
import org.visionpangu4j.model.MultimodalModel;
import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A loaded vision-language model: {@code Engine.load(dir)}, then {@link #caption(Path)} or {@link #chat}. The model
 * family (VisionPangu, …) and checkpoint layout are detected from the directory.
 *
 * <p><b>Threads.</b> One Engine is safe to share. Each request gets its own KV cache and runs on the calling
 * thread (or a background thread for {@link #submit} and {@link #stream}); requests run concurrently, and their
 * parallel kernel work takes turns on the engine's one worker pool, one operation at a time. Results do not depend
 * on what else runs: a request's arithmetic is the same alone or beside others.
 *
 * <p><b>Memory.</b> Weights used as stored are views of the memory-mapped file (see {@link EngineOptions.Residency});
 * quantized ones are off-heap copies converted from temporary mappings, so their stored bytes do not stay resident.
 * {@link #close()} ends every request in flight and releases the mappings, the off-heap memory and the threads.
 * Using a closed engine throws {@link IllegalStateException}.
 *
 * <p><b>Errors.</b> Bad input fails with a {@link VisionPanguException} subclass naming the problem.
 */
public final class Engine implements AutoCloseable {
    /** The prompt {@link #caption} uses by default (InternVL's detailed-description prompt). */
    public static final String DEFAULT_CAPTION_PROMPT = "Please describe the image in detail.";
    /** Default length limit for captions. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 512;
    /** How long {@link #close()} waits for cancelled requests to leave the kernels. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final Path directory;
    private final EngineOptions options;
    private final MultimodalModel model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final int endOfTurnId;
    private final ImageDecoder imageDecoder;
    private final ExecutorService background;
    private final Set<CancellationToken> inFlight = ConcurrentHashMap.newKeySet();
    private final double loadMillis;
    private volatile boolean closed;

    private Engine(Path directory, EngineOptions options) {
        long t0 = System.nanoTime();
        ProgressListener progress = options.progress();
        this.directory = directory;
        this.options = options;
        this.model = MultimodalModel.load(directory, new MultimodalModel.LoadSettings(options.threads(),
                WeightFormat.kernel(options.weights()), WeightFormat.kernel(options.visionWeights()),
                options.residency(), options.maxTiles()), progress::onProgress);
        try {
            ModelSpec spec = model.spec();
            this.tokenizer = spec.family().loadTokenizer(directory);
            this.template = spec.family().template(spec.template());
            this.endOfTurnId = tokenizer.tokenId(template.endOfTurn()).orElseThrow(() -> new ModelFormatException(
                    directory + ": the chat template's end token " + template.endOfTurn() + " is not in the vocabulary"));
            tokenizer.imageTokens(); // a tokenizer without the image tokens cannot run an image request
        } catch (Throwable t) {
            model.close();
            throw t;
        }
        this.imageDecoder = new ImageDecoder(options.maxPixels(), false);
        this.background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "visionpangu-request");
            t.setDaemon(true);
            return t;
        });
        this.loadMillis = (System.nanoTime() - t0) / 1e6;
        progress.onProgress(String.format("ready in %.2f s (%s, %d threads, vectors %s)", loadMillis / 1000,
                model.spec().family().name(), options.threads(), VectorSupport.describe()));
    }

    /** Loads the model in {@code modelDir} with default options. */
    public static Engine load(Path modelDir) {
        return load(modelDir, EngineOptions.defaults());
    }

    /**
     * Loads the model in {@code modelDir}.
     *
     * @throws VisionPanguException naming the problem when the directory is not a supported model (or the JVM
     *                              lacks {@code --add-modules jdk.incubator.vector})
     */
    public static Engine load(Path modelDir, EngineOptions options) {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(options, "options");
        VectorSupport.require();
        return new Engine(modelDir, options);
    }

    /** What the model directory holds, from its config and tensor headers, without loading weights. */
    public static ModelInfo inspect(Path modelDir) {
        return ModelInfo.of(Objects.requireNonNull(modelDir, "modelDir"));
    }

    // ---- captions -------------------------------------------------------------------------------------------

    /** A detailed caption of the image at {@code image}, greedy, with the default prompt. */
    public String caption(Path image) {
        return caption(ImageInput.of(image));
    }

    /** A detailed caption of a decoded image, greedy, with the default prompt. */
    public String caption(BufferedImage image) {
        return caption(ImageInput.of(image));
    }

    /** A detailed caption of an encoded image, greedy, with the default prompt. */
    public String caption(byte[] encodedImage) {
        return caption(ImageInput.of(encodedImage));
    }

    /** A detailed caption, greedy, with the default prompt. */
    public String caption(ImageInput image) {
        return caption(image, DEFAULT_CAPTION_PROMPT, defaultOptions()).text();
    }

    /** Captions {@code image} with {@code prompt} as the user's question. */
    public Completion caption(ImageInput image, String prompt, GenerationOptions options) {
        return caption(image, prompt, options, TextListener.NONE, null);
    }

    /** As {@link #caption(ImageInput, String, GenerationOptions)}, streaming to {@code listener}, cancellable. */
    public Completion caption(ImageInput image, String prompt, GenerationOptions options, TextListener listener,
                              CancellationToken cancel) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(prompt, "prompt");
        return chat(List.of(ChatMessage.user(prompt, image)), options, listener, cancel);
    }

    /** Greedy decoding of up to {@link #DEFAULT_MAX_NEW_TOKENS}, stopping at the template's end token. */
    public GenerationOptions defaultOptions() {
        return GenerationOptions.builder().maxNewTokens(DEFAULT_MAX_NEW_TOKENS).build();
    }

    // ---- chat -----------------------------------------------------------------------------------------------

    /** Answers the last turn of {@code messages}; see {@link #chat(List, GenerationOptions, TextListener, CancellationToken)}. */
    public Completion chat(List<ChatMessage> messages, GenerationOptions options) {
        return chat(messages, options, TextListener.NONE, null);
    }

    /**
     * Runs one request on the calling thread: renders the chat template (the images' {@code <image>} blocks
     * expanded), encodes the images, prefills and generates. The template's end token always stops generation;
     * {@code options} may add stop ids and stop strings. {@code listener} receives the reply as it grows;
     * {@code cancel} (may be null) stops it within one token.
     */
    public Completion chat(List<ChatMessage> messages, GenerationOptions options, TextListener listener,
                           CancellationToken cancel) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(options, "options");
        TextListener out = listener == null ? TextListener.NONE : listener;
        CancellationToken token = cancel == null ? new CancellationToken() : cancel;
        checkOpen();
        inFlight.add(token);
        try {
            checkOpen();
            return run(messages, options, out, token);
        } catch (InternalError e) {
            // A mapped page that cannot be read (the file was truncated or replaced under the engine).
            throw new ModelFormatException(directory + ": the model files cannot be read any more (changed or"
                    + " truncated while the engine was running?): " + e.getMessage(), e);
        } finally {
            inFlight.remove(token);
        }
    }

    /**
     * A request ready for prefill: prompt ids, and for image requests the input embeddings with the image
     * features in place of the {@code <IMG_CONTEXT>} rows (null for text-only requests).
     */
    record Prepared(int[] ids, float[] embeddings, int[] tiles, double imageMillis, double visionMillis) {
    }

    /** Renders, tokenizes and (for images) decodes, tiles, encodes and splices the image features. */
    Prepared prepare(List<ChatMessage> messages) {
        long t0 = System.nanoTime();
        List<Message> turns = new ArrayList<>();
        List<ImageInput> images = new ArrayList<>();
        for (ChatMessage m : messages) {
            Objects.requireNonNull(m, "a message is null");
            turns.add(new Message(m.role().chat(), m.text(), m.images().size()));
            images.addAll(m.images());
        }
        int[] tiles = new int[images.size()];
        List<PixelValues> pixels = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            PixelValues pv = model.preprocess(images.get(i).decode(imageDecoder));
            tiles[i] = pv.tiles();
            pixels.add(pv);
        }
        long t1 = System.nanoTime();
        ChatPrompt prompt = ChatPrompt.build(tokenizer, template, turns, tiles, model.tokensPerTile());
        int[] ids = prompt.ids();
        float[] embeddings = images.isEmpty() ? null
                : model.embed(ids, tokenizer.imageTokens().imgContext(), encodeImages(pixels));
        long t2 = System.nanoTime();
        return new Prepared(ids, embeddings, tiles, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }

    private Completion run(List<ChatMessage> messages, GenerationOptions options, TextListener out,
                           CancellationToken cancel) {
        long t0 = System.nanoTime();
        Prepared p = prepare(messages);
        int[] ids = p.ids();
        // The KV cache holds this request's prompt and reply only, bounded by the engine's context limit; a prompt
        // longer than that limit fails in prefill with a ContextOverflowException naming both lengths.
        int capacity = (int) Math.min((long) options.maxNewTokens() + ids.length, this.options.maxContext());
        Session session = model.newSession(capacity, this.options.kvCache().kernel());
        GenerationSettings settings = withStopToken(options.settings(), endOfTurnId);
        StopCondition stop = StopCondition.withText(settings, tokenizer.streamingDecoder(true), out::onText,
                () -> cancel.isCancelled() || closed);
        GenerationResult r = p.embeddings() == null ? Generator.generate(session, ids, settings, stop)
                : Generator.generate(session, p.embeddings(), ids, settings, stop);
        long t3 = System.nanoTime();
        Completion.Timings timings = new Completion.Timings(p.imageMillis(), p.visionMillis(), r.prefillMillis(),
                r.decodeMillis(), r.decodeSteps(), (t3 - t0) / 1e6);
        return new Completion(stop.text(), ids, r.tokens(), p.tiles(), StopReason.of(r.stopReason()), timings);
    }

    /** Vision features of all images, concatenated: [Σ tiles·tokensPerTile, hidden]. */
    private float[] encodeImages(List<PixelValues> pixels) {
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (PixelValues pv : pixels) {
            options.progress().onProgress("encoding " + pv.tiles() + " tile(s)");
            float[] f = model.encode(pv);
            parts.add(f);
            total = Math.addExact(total, f.length);
        }
        float[] all = new float[total];
        int off = 0;
        for (float[] f : parts) {
            System.arraycopy(f, 0, all, off, f.length);
            off += f.length;
        }
        return all;
    }

    private static GenerationSettings withStopToken(GenerationSettings o, int id) {
        if (o.isStopToken(id)) {
            return o;
        }
        int[] stops = o.stopTokenIds();
        int[] all = Arrays.copyOf(stops, stops.length + 1);
        all[stops.length] = id;
        return o.toBuilder().stopTokens(all).build();
    }

    /** Runs {@link #chat} on a background thread; the handle cancels it and carries its result. */
    public GenerationHandle submit(List<ChatMessage> messages, GenerationOptions options, TextListener listener) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(options, "options");
        checkOpen();
        CancellationToken cancel = new CancellationToken();
        CompletableFuture<Completion> result = CompletableFuture.supplyAsync(
                () -> chat(messages, options, listener, cancel), background);
        return new GenerationHandle(cancel, result);
    }

    /**
     * The reply of a request as a cold {@link Flow.Publisher}: each subscription runs the request once on a
     * background thread and receives its pieces, then completion (or the error). Cancelling the subscription,
     * or closing the engine, cancels the generation; a subscriber that stops requesting holds the generation at
     * its next piece (it does not run ahead), without blocking {@link #close()}.
     */
    public Flow.Publisher<String> stream(List<ChatMessage> messages, GenerationOptions options) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(options, "options");
        checkOpen();
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            ReplyPublisher pub = new ReplyPublisher(subscriber, () -> closed);
            subscriber.onSubscribe(pub);
            try {
                background.execute(() -> pub.run(listener -> chat(messages, options, listener, pub.cancellation())));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                subscriber.onError(new IllegalStateException("engine for " + directory + " is closed"));
            }
        };
    }

    // ---- accessors ------------------------------------------------------------------------------------------

    /** The model's tokenizer. */
    public ModelTokenizer tokenizer() {
        checkOpen();
        return new ModelTokenizer(tokenizer);
    }

    /** What the model is: family, layout, dimensions. */
    public ModelInfo info() {
        checkOpen();
        return ModelInfo.of(directory);
    }

    /** The options the engine was loaded with. */
    public EngineOptions options() {
        return options;
    }

    /** The model directory. */
    public Path directory() {
        return directory;
    }

    /** Wall time of {@link #load}, in milliseconds. */
    public double loadMillis() {
        return loadMillis;
    }

    /** Bytes of decoder weights as the engine holds them (after any quantization). */
    public long decoderWeightBytes() {
        return model.decoderWeightBytes();
    }

    /** For the package's tests: the loaded model. */
    MultimodalModel model() {
        return model;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("engine for " + directory + " is closed");
        }
    }

    /**
     * Ends every request in flight (each stops within one token, with {@link StopReason#CANCELLED}), waits a
     * bounded time for them to leave the kernels, then releases the threads, mappings and memory.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        inFlight.forEach(CancellationToken::cancel);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        background.shutdownNow();
        model.close();
    }
}
