package org.visionpangu4j.spark;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;

import java.util.List;

/**
 * A Spark ML pipeline stage that captions images: reads {@link #inputCol()} (encoded bytes, as the binaryFile
 * source's {@code content}, or file paths) and appends {@link #outputCol()}, the caption struct of
 * {@link CaptionColumns}. The prompt, generation and engine settings are params, so a saved pipeline reloads with
 * them ({@link #write()}, {@link #read()}, {@link org.apache.spark.ml.PipelineModel#load}).
 *
 * <pre>{@code
 * ImageCaptioner captioner = new ImageCaptioner().setModelPath("/models/visionpangu").setMaxNewTokens(256);
 * Dataset<Row> out = captioner.transform(spark.read().format("binaryFile").load("/data/images"));
 * }</pre>
 *
 * Each executor loads the model once and shares it among its tasks ({@link ExecutorEngines}); see
 * {@link ImageCaptions} for the same captioning without a pipeline.
 */
public final class ImageCaptioner extends Transformer implements DefaultParamsWritable {
    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> modelPath;
    private final Param<String> prompt;
    private final IntParam maxNewTokens;
    private final DoubleParam temperature;
    private final IntParam topK;
    private final DoubleParam topP;
    private final DoubleParam repetitionPenalty;
    private final LongParam seed;
    private final StringArrayParam stopStrings;
    private final IntParam threads;
    private final Param<String> weights;
    private final Param<String> visionWeights;
    private final Param<String> kvCache;
    private final IntParam maxContext;
    private final IntParam maxTiles;
    private final LongParam maxPixels;
    private final Param<String> residency;

    public ImageCaptioner() {
        this(Identifiable.randomUID("visionpanguCaptioner"));
    }

    /** The constructor pipelines use when they load a saved stage. */
    public ImageCaptioner(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "image column: binary (encoded bytes) or string (local paths)");
        outputCol = new Param<>(this, "outputCol", "caption struct column to append");
        modelPath = new Param<>(this, "modelPath", "model directory as every executor sees it: an absolute local "
                + "path, or the name of a directory shipped with the job (--archives, SparkContext.addFile)");
        prompt = new Param<>(this, "prompt", "the user's question for every image");
        maxNewTokens = new IntParam(this, "maxNewTokens", "caption length limit in tokens", ParamValidators.gtEq(0));
        temperature = new DoubleParam(this, "temperature", "sampling temperature; 0 = greedy", ParamValidators.gtEq(0));
        topK = new IntParam(this, "topK", "keep the k most likely tokens; 0 = off", ParamValidators.gtEq(0));
        topP = new DoubleParam(this, "topP", "nucleus sampling mass; 1 = off", ParamValidators.inRange(0, 1, false, true));
        repetitionPenalty = new DoubleParam(this, "repetitionPenalty", "repetition penalty; 1 = off",
                ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "sampling seed for every image; unset = a fresh random seed per image");
        stopStrings = new StringArrayParam(this, "stopStrings", "texts that end a caption");
        threads = new IntParam(this, "threads", "kernel threads per executor; 0 = the executor's cores",
                ParamValidators.gtEq(0));
        weights = new Param<>(this, "weights", "decoder weights: as-stored, q8_0 or q4_0",
                ParamValidators.inArray(EngineSettings.WEIGHTS));
        visionWeights = new Param<>(this, "visionWeights", "vision weights: as-stored or q8_0",
                ParamValidators.inArray(EngineSettings.VISION_WEIGHTS));
        kvCache = new Param<>(this, "kvCache", "KV cache: f32 or int8", ParamValidators.inArray(EngineSettings.KV_CACHES));
        maxContext = new IntParam(this, "maxContext", "most prompt + generated tokens per request",
                ParamValidators.gtEq(16));
        maxTiles = new IntParam(this, "maxTiles", "most tiles per image; 0 = the model's max_dynamic_patch",
                ParamValidators.gtEq(0));
        maxPixels = new LongParam(this, "maxPixels", "images declaring more pixels are refused before decoding",
                ParamValidators.gtEq(1));
        residency = new Param<>(this, "residency", "weights in memory: mapped, preload or anonymous",
                ParamValidators.inArray(EngineSettings.RESIDENCIES));

        EngineSettings e = EngineSettings.defaults();
        GenerationSettings g = GenerationSettings.greedy();
        setDefault(inputCol, "content");
        setDefault(outputCol, ImageCaptions.DEFAULT_OUTPUT_COL);
        setDefault(prompt, Engine.DEFAULT_CAPTION_PROMPT);
        setDefault(maxNewTokens, g.maxNewTokens());
        setDefault(temperature, g.temperature());
        setDefault(topK, g.topK());
        setDefault(topP, g.topP());
        setDefault(repetitionPenalty, g.repetitionPenalty());
        setDefault(stopStrings, new String[0]);
        setDefault(threads, e.threads());
        setDefault(weights, e.weights());
        setDefault(visionWeights, e.visionWeights());
        setDefault(kvCache, e.kvCache());
        setDefault(maxContext, EngineOptions.DEFAULT_MAX_CONTEXT);
        setDefault(maxTiles, e.maxTiles());
        setDefault(maxPixels, EngineOptions.DEFAULT_MAX_PIXELS);
        setDefault(residency, e.residency());
    }

    /** Reads a saved captioner ({@link org.apache.spark.ml.PipelineModel#load} finds this by reflection). */
    public static MLReader<ImageCaptioner> read() {
        return new DefaultParamsReader<>();
    }

    public static ImageCaptioner load(String path) {
        return read().load(path);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The settings the executors receive; fails here, on the driver, when the model path is missing or a value is bad. */
    public CaptionConfig config() {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("ImageCaptioner " + uid + ": modelPath is not set");
        }
        Long s = isDefined(seed) ? (Long) getOrDefault(seed) : null;
        GenerationSettings g = new GenerationSettings(getMaxNewTokens(), getTemperature(), getTopK(), getTopP(),
                getRepetitionPenalty(), s, List.of(getStopStrings()));
        EngineSettings e = new EngineSettings(getThreads(), getWeights(), getVisionWeights(), getKvCache(),
                getMaxContext(), getMaxTiles(), getMaxPixels(), getResidency());
        return new CaptionConfig(getModelPath(), getPrompt(), e, g);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        return ImageCaptions.caption(dataset, getInputCol(), getOutputCol(), config());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return CaptionColumns.outputSchema(schema, getInputCol(), getOutputCol());
    }

    @Override
    public ImageCaptioner copy(ParamMap extra) {
        return (ImageCaptioner) defaultCopy(extra);
    }

    // ---- params (public no-argument methods returning a Param: Spark finds them by reflection) --------------

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> prompt() {
        return prompt;
    }

    public IntParam maxNewTokens() {
        return maxNewTokens;
    }

    public DoubleParam temperature() {
        return temperature;
    }

    public IntParam topK() {
        return topK;
    }

    public DoubleParam topP() {
        return topP;
    }

    public DoubleParam repetitionPenalty() {
        return repetitionPenalty;
    }

    public LongParam seed() {
        return seed;
    }

    public StringArrayParam stopStrings() {
        return stopStrings;
    }

    public IntParam threads() {
        return threads;
    }

    public Param<String> weights() {
        return weights;
    }

    public Param<String> visionWeights() {
        return visionWeights;
    }

    public Param<String> kvCache() {
        return kvCache;
    }

    public IntParam maxContext() {
        return maxContext;
    }

    public IntParam maxTiles() {
        return maxTiles;
    }

    public LongParam maxPixels() {
        return maxPixels;
    }

    public Param<String> residency() {
        return residency;
    }

    // ---- setters and getters --------------------------------------------------------------------------------

    public ImageCaptioner setInputCol(String v) {
        return with(inputCol, v);
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public ImageCaptioner setOutputCol(String v) {
        return with(outputCol, v);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public ImageCaptioner setModelPath(String v) {
        return with(modelPath, v);
    }

    public String getModelPath() {
        return getOrDefault(modelPath);
    }

    public ImageCaptioner setPrompt(String v) {
        return with(prompt, v);
    }

    public String getPrompt() {
        return getOrDefault(prompt);
    }

    public ImageCaptioner setMaxNewTokens(int v) {
        return with(maxNewTokens, v);
    }

    public int getMaxNewTokens() {
        return (Integer) getOrDefault(maxNewTokens);
    }

    public ImageCaptioner setTemperature(double v) {
        return with(temperature, v);
    }

    public double getTemperature() {
        return (Double) getOrDefault(temperature);
    }

    public ImageCaptioner setTopK(int v) {
        return with(topK, v);
    }

    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    public ImageCaptioner setTopP(double v) {
        return with(topP, v);
    }

    public double getTopP() {
        return (Double) getOrDefault(topP);
    }

    public ImageCaptioner setRepetitionPenalty(double v) {
        return with(repetitionPenalty, v);
    }

    public double getRepetitionPenalty() {
        return (Double) getOrDefault(repetitionPenalty);
    }

    public ImageCaptioner setSeed(long v) {
        return with(seed, v);
    }

    /** The seed, or null when unset (a fresh random seed per image). */
    public Long getSeed() {
        return isDefined(seed) ? (Long) getOrDefault(seed) : null;
    }

    public ImageCaptioner setStopStrings(String... v) {
        return with(stopStrings, v.clone());
    }

    public String[] getStopStrings() {
        return getOrDefault(stopStrings).clone();
    }

    public ImageCaptioner setThreads(int v) {
        return with(threads, v);
    }

    public int getThreads() {
        return (Integer) getOrDefault(threads);
    }

    public ImageCaptioner setWeights(String v) {
        return with(weights, v);
    }

    public String getWeights() {
        return getOrDefault(weights);
    }

    public ImageCaptioner setVisionWeights(String v) {
        return with(visionWeights, v);
    }

    public String getVisionWeights() {
        return getOrDefault(visionWeights);
    }

    public ImageCaptioner setKvCache(String v) {
        return with(kvCache, v);
    }

    public String getKvCache() {
        return getOrDefault(kvCache);
    }

    public ImageCaptioner setMaxContext(int v) {
        return with(maxContext, v);
    }

    public int getMaxContext() {
        return (Integer) getOrDefault(maxContext);
    }

    public ImageCaptioner setMaxTiles(int v) {
        return with(maxTiles, v);
    }

    public int getMaxTiles() {
        return (Integer) getOrDefault(maxTiles);
    }

    public ImageCaptioner setMaxPixels(long v) {
        return with(maxPixels, v);
    }

    public long getMaxPixels() {
        return (Long) getOrDefault(maxPixels);
    }

    public ImageCaptioner setResidency(String v) {
        return with(residency, v);
    }

    public String getResidency() {
        return getOrDefault(residency);
    }

    private <T> ImageCaptioner with(Param<T> p, T value) {
        set(p, value);
        return this;
    }
}
