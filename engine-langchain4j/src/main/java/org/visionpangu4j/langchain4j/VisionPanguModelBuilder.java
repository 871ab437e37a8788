package org.visionpangu4j.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What both model classes are built from: the model (a directory the model loads and owns, or an {@link Engine}
 * it shares), the default request parameters and the listeners.
 *
 * @param <B> the concrete builder
 */
public abstract class VisionPanguModelBuilder<B extends VisionPanguModelBuilder<B>> {
    private Path modelPath;
    private EngineOptions engineOptions = EngineOptions.defaults();
    private Engine engine;
    private String modelName;
    private Long seed;
    private List<ChatModelListener> listeners = List.of();
    private final DefaultChatRequestParameters.Builder<?> defaults = DefaultChatRequestParameters.builder();

    VisionPanguModelBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The model directory to load (the model then owns the engine and closes it in {@code close()}). */
    public B modelPath(Path path) {
        this.modelPath = path;
        return self();
    }

    /** Engine options for {@link #modelPath} (threads, weight format, KV cache, context, pixel budget...). */
    public B engineOptions(EngineOptions options) {
        this.engineOptions = Objects.requireNonNull(options, "options");
        return self();
    }

    /** An already loaded engine to share (instead of {@link #modelPath}); the model does not close it. */
    public B engine(Engine engine) {
        this.engine = engine;
        return self();
    }

    /** The name reported in responses (default: the model directory's name). */
    public B modelName(String name) {
        this.modelName = name;
        return self();
    }

    /** Default sampling temperature; absent = greedy. */
    public B temperature(Double t) {
        defaults.temperature(t);
        return self();
    }

    public B topP(Double p) {
        defaults.topP(p);
        return self();
    }

    public B topK(Integer k) {
        defaults.topK(k);
        return self();
    }

    /** Default reply length limit; absent = {@link Engine#DEFAULT_MAX_NEW_TOKENS}. */
    public B maxOutputTokens(Integer n) {
        defaults.maxOutputTokens(n);
        return self();
    }

    public B stopSequences(List<String> stops) {
        defaults.stopSequences(stops);
        return self();
    }

    /** Sampling seed for every request (LangChain4j's parameters have none); absent = a fresh one each time. */
    public B seed(Long seed) {
        this.seed = seed;
        return self();
    }

    /** Default parameters (their non-null fields override what was set so far); requests override them in turn. */
    public B defaultRequestParameters(ChatRequestParameters parameters) {
        defaults.overrideWith(parameters);
        return self();
    }

    public B listeners(List<ChatModelListener> listeners) {
        this.listeners = List.copyOf(listeners);
        return self();
    }

    /** The engine to use and whether the model owns it. */
    record Resolved(Engine engine, boolean owned, String modelName, ChatRequestParameters defaults, Long seed,
                    List<ChatModelListener> listeners) {
    }

    Resolved resolve() {
        if ((modelPath == null) == (engine == null)) {
            throw new IllegalArgumentException("give exactly one of modelPath(...) and engine(...)");
        }
        Engine e = engine != null ? engine : Engine.load(modelPath, engineOptions);
        String name = modelName != null ? modelName
                : e.directory().toAbsolutePath().normalize().getFileName().toString();
        return new Resolved(e, engine == null, name, defaults.build(), seed, listeners);
    }
}
