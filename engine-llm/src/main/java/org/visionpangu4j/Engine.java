package org.visionpangu4j;

import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.core.config.ConfigParser;
import org.visionpangu4j.core.config.ModelConfig;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.safetensors.CheckpointLayout;
import org.visionpangu4j.kernels.Simd;
import org.visionpangu4j.llm.chat.ChatPrompt;
import org.visionpangu4j.llm.chat.ChatTemplate;
import org.visionpangu4j.llm.chat.ChatTemplates;
import org.visionpangu4j.llm.chat.Message;
import org.visionpangu4j.llm.generate.CancellationToken;
import org.visionpangu4j.llm.generate.GenerationOptions;
import org.visionpangu4j.llm.generate.GenerationResult;
import org.visionpangu4j.llm.generate.Generator;
import org.visionpangu4j.llm.generate.StopReason;
import org.visionpangu4j.llm.model.Decoder;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.model.SessionOptions;
import org.visionpangu4j.llm.model.WeightFormats;
import org.visionpangu4j.llm.tokenizer.StreamingDecoder;
import org.visionpangu4j.llm.tokenizer.SentencePieceTokenizer;
import org.visionpangu4j.llm.tokenizer.Tokenizer;
import org.visionpangu4j.vision.image.ImageDecoder;
import org.visionpangu4j.vision.image.RgbImage;
import org.visionpangu4j.vision.model.VisionModel;
import org.visionpangu4j.vision.model.VisionOptions;
import org.visionpangu4j.vision.preprocess.ImagePreprocessor;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

/**
 * A loaded VisionPangu model: {@code Engine.load(dir)}, then {@link #caption(Path)} or {@link #chat}.
 *
 * <p><b>Threads.</b> One Engine is safe to share. Each request gets its own KV cache and runs on the calling
 * thread (or a background thread for {@link #submit}); requests run concurrently, and their parallel kernel work
 * takes turns on the engine's one worker pool, one operation at a time, in arrival order of each operation.
 * Results do not depend on what else runs: a request's arithmetic is the same alone or beside others.
 *
 * <p><b>Memory.</b> Weights used as stored are views of the memory-mapped file (see {@link EngineOptions.Residency});
 * quantized ones are off-heap copies converted from temporary mappings, so their stored bytes do not stay resident.
 * {@link #close()} releases the mappings, the off-heap memory and the worker threads. Using a closed engine throws
 * {@link IllegalStateException}.
 */
public final class Engine implements AutoCloseable {
    /** The prompt {@link #caption} uses by default (InternVL's detailed-description prompt). */
    public static final String DEFAULT_CAPTION_PROMPT = "Please describe the image in detail.";
    /** Default length limit for captions. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 512;

    private final Path directory;
    private final EngineOptions options;
    private final ModelConfig config;
    private final CheckpointLayout layout;
    private final Checkpoint checkpoint;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final VisionModel vision;
    private final Decoder decoder;
    private final WorkerPool pool;
    private final ImageDecoder imageDecoder;
    private final ImagePreprocessor preprocessor;
    private final ExecutorService background;
    private final double loadMillis;
    private volatile boolean closed;

    private Engine(Path directory, EngineOptions options) {
        long t0 = System.nanoTime();
        ProgressListener progress = options.progress();
        this.directory = directory;
        this.options = options;
        this.config = ConfigParser.parse(directory);
        this.tokenizer = SentencePieceTokenizer.load(directory);
        this.template = ChatTemplates.forConfig(config);
        progress.onProgress((options.residency() == EngineOptions.Residency.ANONYMOUS ? "opening" : "mapping")
                + " weights from " + directory);
        Checkpoint ckpt = options.residency() == EngineOptions.Residency.ANONYMOUS
                ? Checkpoint.openInAnonymousMemory(directory) : Checkpoint.open(directory);
        WorkerPool workers = null;
        try {
            this.layout = CheckpointLayout.requireInternVLNative(ckpt);
            workers = new WorkerPool(options.threads());
            // Weights used as stored are views of the checkpoint (copied on first use in anonymous memory);
            // quantized ones are converted from temporary mappings, so their stored bytes never stay resident.
            String fmt = options.weights() == null ? "as stored" : options.weights().toString();
            progress.onProgress("loading decoder (" + fmt + ")");
            this.decoder = Decoder.load(ckpt, config.llm(), options.weights() == null ? WeightFormats.asStored()
                    : WeightFormats.all(options.weights()));
            progress.onProgress("loading vision tower");
            this.vision = VisionModel.load(ckpt, config, options.visionWeights() == null ? VisionOptions.asStored()
                    : VisionOptions.all(options.visionWeights()));
            if (options.residency() == EngineOptions.Residency.PRELOAD) {
                // After the models are built: only the tensors they read in place are worth reading in.
                progress.onProgress("reading weights into memory");
                ckpt.preload();
            }
        } catch (RuntimeException e) {
            if (workers != null) {
                workers.close();
            }
            ckpt.close();
            throw e;
        }
        this.checkpoint = ckpt;
        this.pool = workers;
        this.imageDecoder = new ImageDecoder(options.maxPixels(), false);
        this.preprocessor = options.maxTiles() > 0 ? ImagePreprocessor.fromConfig(config, options.maxTiles())
                : ImagePreprocessor.fromConfig(config);
        this.background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "visionpangu-request");
            t.setDaemon(true);
            return t;
        });
        this.loadMillis = (System.nanoTime() - t0) / 1e6;
        progress.onProgress(String.format("ready in %.2f s (%d threads, vectors %s)", loadMillis / 1000,
                options.threads(), Simd.describe()));
    }

    /** Loads the model in {@code modelDir} with default options. */
    public static Engine load(Path modelDir) {
        return load(modelDir, EngineOptions.defaults());
    }

    public static Engine load(Path modelDir, EngineOptions options) {
        return new Engine(modelDir, options);
    }

    // ---- captions -------------------------------------------------------------------------------------------

    /** A detailed caption of the image at {@code image}, greedy, with the default prompt. */
    public String caption(Path image) {
        return caption(ImageInput.of(image));
    }

    public String caption(BufferedImage image) {
        return caption(ImageInput.of(image));
    }

    public String caption(byte[] encodedImage) {
        return caption(ImageInput.of(encodedImage));
    }

    public String caption(ImageInput image) {
        return caption(image, DEFAULT_CAPTION_PROMPT, defaultOptions()).text();
    }

    /** Captions {@code image} with {@code prompt} as the user's question. */
    public Completion caption(ImageInput image, String prompt, GenerationOptions options) {
        return caption(image, prompt, options, TextListener.NONE, null);
    }

    public Completion caption(ImageInput image, String prompt, GenerationOptions options, TextListener listener,
                              CancellationToken cancel) {
        return chat(List.of(ChatMessage.user(prompt, image)), options, listener, cancel);
    }

    /** Greedy decoding of up to {@link #DEFAULT_MAX_NEW_TOKENS}, stopping at the template's end token. */
    public GenerationOptions defaultOptions() {
        return GenerationOptions.builder().maxNewTokens(DEFAULT_MAX_NEW_TOKENS).build();
    }

    // ---- chat -----------------------------------------------------------------------------------------------

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
        checkOpen();
        long t0 = System.nanoTime();
        Prepared p = prepare(messages);
        int[] ids = p.ids();
        // The KV cache holds this request's prompt and reply only, bounded by the engine's context limit; a prompt
        // longer than that limit fails in prefill with a ContextOverflowException naming both lengths.
        int capacity = (int) Math.min((long) options.maxNewTokens() + ids.length, this.options.maxContext());
        Session session = decoder.newSession(pool, new SessionOptions(capacity, this.options.kvCache(),
                SessionOptions.DEFAULT_PREFILL_CHUNK));
        GenerationOptions withEos = withStopToken(options, tokenizer.eosId());
        StreamingDecoder text = tokenizer.streamingDecoder(true);
        ReplyStream reply = new ReplyStream(options.stopStrings(), listener);
        GenerationResult r;
        if (p.embeddings() == null) {
            r = Generator.generate(session, ids, withEos, id -> reply.add(text.feed(id)), cancel);
        } else {
            r = Generator.generate(session, p.embeddings(), ids, withEos, id -> reply.add(text.feed(id)), cancel);
        }
        if (r.stopReason() != StopReason.STOP_STRING) {
            reply.add(text.finish());
        }
        reply.finish();
        long t3 = System.nanoTime();
        Completion.Timings timings = new Completion.Timings(p.imageMillis(), p.visionMillis(), r.prefillMillis(),
                r.decodeMillis(), r.decodeSteps(), (t3 - t0) / 1e6);
        return new Completion(reply.reply(), ids, r.tokens(), p.tiles(), r.stopReason(), timings);
    }

    /** Runs {@link #chat} on a background thread; the handle cancels it and carries its result. */
    public GenerationHandle submit(List<ChatMessage> messages, GenerationOptions options, TextListener listener) {
        checkOpen();
        CancellationToken cancel = new CancellationToken();
        CompletableFuture<Completion> result = CompletableFuture.supplyAsync(
                () -> chat(messages, options, listener, cancel), background);
        return new GenerationHandle(cancel, result);
    }

    /**
     * The reply of a request as a cold {@link Flow.Publisher}: each subscription runs the request once on a
     * background thread and receives its pieces, then completion (or the error). Cancelling the subscription
     * cancels the generation.
     */
    public Flow.Publisher<String> stream(List<ChatMessage> messages, GenerationOptions options) {
        checkOpen();
        return subscriber -> {
            SubmissionPublisher<String> pub = new SubmissionPublisher<>(background, Flow.defaultBufferSize());
            CancellationToken cancel = new CancellationToken();
            pub.subscribe(new Flow.Subscriber<>() {
                public void onSubscribe(Flow.Subscription s) {
                    subscriber.onSubscribe(new Flow.Subscription() {
                        public void request(long n) {
                            s.request(n);
                        }

                        public void cancel() {
                            cancel.cancel();
                            s.cancel();
                        }
                    });
                }

                public void onNext(String item) {
                    subscriber.onNext(item);
                }

                public void onError(Throwable t) {
                    subscriber.onError(t);
                }

                public void onComplete() {
                    subscriber.onComplete();
                }
            });
            background.execute(() -> {
                try {
                    chat(messages, options, pub::submit, cancel);
                    pub.close();
                } catch (Throwable t) {
                    pub.closeExceptionally(t);
                }
            });
        };
    }

    // ---- pieces ---------------------------------------------------------------------------------------------

    /**
     * A request ready for prefill: prompt ids, and for image requests the input embeddings with the image
     * features in place of the {@code <IMG_CONTEXT>} rows (null for text-only requests).
     */
    record Prepared(int[] ids, float[] embeddings, int[] tiles, double imageMillis, double visionMillis) {
    }

    /** Renders, tokenizes and (for images) decodes, tiles, encodes and splices the image features. */
    Prepared prepare(List<ChatMessage> messages) {
        checkOpen();
        long t0 = System.nanoTime();
        List<Message> turns = new ArrayList<>();
        List<ImageInput> images = new ArrayList<>();
        for (ChatMessage m : messages) {
            turns.add(new Message(m.role(), m.text(), m.images().size()));
            images.addAll(m.images());
        }
        int[] tiles = new int[images.size()];
        List<PixelValues> pixels = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            RgbImage rgb = images.get(i).decode(imageDecoder);
            PixelValues pv = preprocessor.preprocess(rgb);
            tiles[i] = pv.tiles();
            pixels.add(pv);
        }
        long t1 = System.nanoTime();
        ChatPrompt prompt = ChatPrompt.build(tokenizer, template, turns, tiles, config.tokensPerTile());
        if (images.isEmpty()) {
            return new Prepared(prompt.ids(), null, tiles, (t1 - t0) / 1e6, 0);
        }
        float[] embeddings = embed(prompt.ids(), encodeImages(pixels));
        long t2 = System.nanoTime();
        return new Prepared(prompt.ids(), embeddings, tiles, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }

    /** Vision features of all images, concatenated: [Σ tiles·tokensPerTile, hidden]. */
    private float[] encodeImages(List<PixelValues> pixels) {
        if (pixels.isEmpty()) {
            return new float[0];
        }
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (PixelValues pv : pixels) {
            options.progress().onProgress("encoding " + pv.tiles() + " tile(s)");
            float[] f = vision.encode(pv, pool);
            parts.add(f);
            total += f.length;
        }
        float[] all = new float[total];
        int off = 0;
        for (float[] f : parts) {
            System.arraycopy(f, 0, all, off, f.length);
            off += f.length;
        }
        return all;
    }

    /** Token embeddings with every {@code <IMG_CONTEXT>} row replaced, in order, by the next image feature row. */
    private float[] embed(int[] ids, float[] features) {
        int hidden = decoder.hiddenSize();
        int context = tokenizer.imageTokens().imgContext();
        float[] x = decoder.embed(ids);
        int next = 0;
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] == context) {
                if ((next + 1) * hidden > features.length) {
                    throw new VisionPanguException("more <IMG_CONTEXT> tokens than image features");
                }
                System.arraycopy(features, next * hidden, x, t * hidden, hidden);
                next++;
            }
        }
        if (next * hidden != features.length) {
            throw new VisionPanguException("the prompt has " + next + " <IMG_CONTEXT> tokens but the images produced "
                    + features.length / hidden + " feature rows");
        }
        return x;
    }

    private static GenerationOptions withStopToken(GenerationOptions o, int eos) {
        if (o.isStopToken(eos)) {
            return o;
        }
        int[] stops = o.stopTokenIds();
        int[] all = java.util.Arrays.copyOf(stops, stops.length + 1);
        all[stops.length] = eos;
        return o.toBuilder().stopTokens(all).build();
    }

    // ---- accessors ------------------------------------------------------------------------------------------

    public Tokenizer tokenizer() {
        checkOpen();
        return tokenizer;
    }

    public ModelConfig config() {
        return config;
    }

    public CheckpointLayout layout() {
        return layout;
    }

    public EngineOptions options() {
        return options;
    }

    public Path directory() {
        return directory;
    }

    /** Wall time of {@link #load}, in milliseconds. */
    public double loadMillis() {
        return loadMillis;
    }

    /** Bytes of decoder weights as the engine holds them (after any quantization). */
    public long decoderWeightBytes() {
        return decoder.weights().byteSize();
    }

    /** For the benchmark harness and tests: the decoder, vision model and pool this engine runs on. */
    public Decoder decoder() {
        checkOpen();
        return decoder;
    }

    public VisionModel vision() {
        checkOpen();
        return vision;
    }

    public WorkerPool pool() {
        checkOpen();
        return pool;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("engine for " + directory + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            background.shutdownNow();
            pool.close();
            checkpoint.close();
        }
    }
}
