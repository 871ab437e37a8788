package org.visionpangu4j.model;

import org.visionpangu4j.EngineOptions.Residency;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.core.parallel.WorkerPool;
import org.visionpangu4j.core.safetensors.Checkpoint;
import org.visionpangu4j.core.tensor.Tensor;
import org.visionpangu4j.kernels.KvCache;
import org.visionpangu4j.kernels.WeightFormat;
import org.visionpangu4j.llm.model.Decoder;
import org.visionpangu4j.llm.model.Session;
import org.visionpangu4j.llm.model.SessionOptions;
import org.visionpangu4j.llm.model.WeightFormats;
import org.visionpangu4j.model.layout.CheckpointLayout;
import org.visionpangu4j.vision.image.RgbImage;
import org.visionpangu4j.vision.model.VisionModel;
import org.visionpangu4j.vision.model.VisionOptions;
import org.visionpangu4j.vision.preprocess.ImagePreprocessor;
import org.visionpangu4j.vision.preprocess.PixelValues;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A loaded vision-language model: the checkpoint, the worker pool, the decoder and the vision tower, and the
 * multimodal steps between them (image → tiles → features; features spliced into the prompt's embeddings). The one
 * load path of the engine: {@code Engine} and the benchmark harness both run on it. Text (tokenizer, chat template)
 * is not here: the benchmark's random checkpoints have none.
 *
 * <p>Thread-safe after load: requests share it, each with its own {@link Session}. {@link #close()} unmaps the
 * checkpoint, frees converted weights and stops the pool.
 */
public final class MultimodalModel implements AutoCloseable {
    private final ModelSpec spec;
    private final Checkpoint checkpoint;
    private final WorkerPool pool;
    private final Decoder decoder;
    private final VisionModel vision;
    private final ImagePreprocessor preprocessor;

    private MultimodalModel(ModelSpec spec, Checkpoint checkpoint, WorkerPool pool, Decoder decoder,
                            VisionModel vision, ImagePreprocessor preprocessor) {
        this.spec = spec;
        this.checkpoint = checkpoint;
        this.pool = pool;
        this.decoder = decoder;
        this.vision = vision;
        this.preprocessor = preprocessor;
    }

    /**
     * How to load: the knobs of {@code EngineOptions} that shape the model, not those of requests. Weight formats
     * are null for "as stored"; {@code maxTiles} 0 keeps the model's tile budget.
     */
    public record LoadSettings(int threads, WeightFormat decoderWeights, WeightFormat visionWeights,
                               Residency residency, int maxTiles) {
    }

    /**
     * Opens {@code dir}, detects its layout and family, and builds the decoder and vision tower on a new pool of
     * {@code s.threads()} threads (quantization at load runs there too). Any failure, {@link Error}s included,
     * releases what was taken (mappings, memory, threads) before it propagates.
     */
    public static MultimodalModel load(Path dir, LoadSettings s, Consumer<String> progress) {
        ModelSpec.requireModelDirectory(dir);
        progress.accept((s.residency() == Residency.ANONYMOUS ? "opening" : "mapping") + " weights from " + dir);
        Checkpoint ckpt = s.residency() == Residency.ANONYMOUS ? Checkpoint.openInAnonymousMemory(dir)
                : Checkpoint.open(dir);
        WorkerPool pool = null;
        try {
            ModelSpec spec = ModelSpec.read(dir, ckpt.names());
            pool = new WorkerPool(s.threads());
            // Weights used as stored are views of the checkpoint (copied on first use in anonymous memory);
            // quantized ones are converted from temporary mappings, so their stored bytes never stay resident.
            progress.accept("loading decoder (" + (s.decoderWeights() == null ? "as stored" : s.decoderWeights()) + ")");
            Decoder decoder = Decoder.load(ckpt, spec.decoderNames(), spec.decoder(),
                    s.decoderWeights() == null ? WeightFormats.asStored() : WeightFormats.all(s.decoderWeights()), pool);
            progress.accept("loading vision tower");
            VisionModel vision = VisionModel.load(ckpt, spec.visionNames(), spec.vision().tower(),
                    spec.vision().projector(),
                    s.visionWeights() == null ? VisionOptions.asStored() : VisionOptions.all(s.visionWeights()), pool);
            if (s.residency() == Residency.PRELOAD) {
                // After the models are built: only the tensors they read in place are worth reading in.
                progress.accept("reading weights into memory");
                ckpt.preload();
            }
            ImagePreprocessor prep = new ImagePreprocessor(spec.vision().tiling().withMaxTiles(s.maxTiles()));
            return new MultimodalModel(spec, ckpt, pool, decoder, vision, prep);
        } catch (Throwable t) {
            if (pool != null) {
                pool.close();
            }
            ckpt.close();
            throw t;
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public WorkerPool pool() {
        return pool;
    }

    public Decoder decoder() {
        return decoder;
    }

    public VisionModel vision() {
        return vision;
    }

    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** Image tokens per tile (the prompt holds this many {@code <IMG_CONTEXT>} per tile). */
    public int tokensPerTile() {
        return vision.tokensPerTile(preprocessor.tileSize());
    }

    /** Tiles of an image, normalised as the vision tower expects them. */
    public PixelValues preprocess(RgbImage image) {
        return preprocessor.preprocess(image);
    }

    /** The image's tokens in the LLM's embedding space, [tiles · tokensPerTile, hidden], tile-major. */
    public float[] encode(PixelValues tiles) {
        return vision.encode(tiles, pool);
    }

    /**
     * The input embeddings of {@code ids} [T, hidden], every {@code contextId} row replaced, in order, by the next
     * row of {@code features}; there must be exactly one feature row per context token.
     */
    public float[] embed(int[] ids, int contextId, float[] features) {
        int hidden = decoder.hiddenSize();
        float[] x = decoder.embed(ids);
        int next = 0;
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] == contextId) {
                if ((long) (next + 1) * hidden > features.length) {
                    throw new VisionPanguException("more image context tokens than image features");
                }
                System.arraycopy(features, next * hidden, x, t * hidden, hidden);
                next++;
            }
        }
        if ((long) next * hidden != features.length) {
            throw new VisionPanguException("the prompt has " + next + " image context tokens but the images produced "
                    + features.length / hidden + " feature rows");
        }
        return x;
    }

    /** A new sequence holding up to {@code capacity} positions, with the given KV cache type. */
    public Session newSession(int capacity, KvCache.Type kv) {
        return decoder.newSession(pool, new SessionOptions(capacity, kv, SessionOptions.DEFAULT_PREFILL_CHUNK));
    }

    /** Bytes of decoder weights as held (after any quantization). */
    public long decoderWeightBytes() {
        return decoder.weights().byteSize();
    }

    /** Bytes of the vision tower and projector as stored (from the header: nothing is read). */
    public long visionWeightBytes() {
        long v = 0;
        CheckpointLayout layout = spec.layout();
        for (String name : checkpoint.names()) {
            CheckpointLayout.Component part = layout.component(name);
            if (part == CheckpointLayout.Component.VISION || part == CheckpointLayout.Component.PROJECTOR) {
                v += Tensor.numel(checkpoint.shape(name)) * checkpoint.dtype(name).byteSize();
            }
        }
        return v;
    }

    public boolean isClosed() {
        return checkpoint.isClosed();
    }

    @Override
    public synchronized void close() {
        pool.close();
        checkpoint.close();
    }
}
