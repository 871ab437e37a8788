package org.visionpangu4j.spark;

import org.visionpangu4j.Engine;

import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engines of this JVM: one per model directory and settings, loaded by the first task that needs it, shared
 * by every later task of the executor, closed when the JVM exits. Tasks are short and many, a model load is long
 * (seconds to minutes at the real size) and its weights are the executor's largest memory: loading once per JVM
 * instead of once per task or partition is what makes Spark captioning cost the same as captioning in a loop.
 */
public final class ExecutorEngines {
    /** What makes two engines the same: the resolved directory and the settings with threads resolved. */
    record Key(Path modelDir, EngineSettings settings) {
    }

    /** Loads its engine once; tasks that ask while it loads wait on its monitor instead of loading a second. */
    private static final class Slot {
        private Engine engine;

        synchronized Engine get(Key key) {
            if (engine == null) {
                pluginsScanned();
                engine = Engine.load(key.modelDir(), key.settings().toOptions(key.settings().threads()));
                LOADS.incrementAndGet();
            }
            return engine;
        }

        synchronized void close() {
            if (engine != null) {
                engine.close();
                engine = null;
            }
        }
    }

    private static final ConcurrentHashMap<Key, Slot> ENGINES = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();
    private static volatile boolean hooked;
    private static volatile boolean scanned;

    private ExecutorEngines() {
    }

    /**
     * The engine for {@code config} on this JVM, loading it on first use: the model directory resolved where this
     * JVM runs ({@link ModelLocation}), threads 0 resolved to the executor's cores ({@link ExecutorThreads}).
     */
    public static Engine engine(CaptionConfig config) {
        Path dir = ModelLocation.resolve(config.modelPath());
        EngineSettings s = config.engine();
        Key key = new Key(dir, s.withThreads(ExecutorThreads.resolve(s.threads())));
        shutdownHook();
        return ENGINES.computeIfAbsent(key, k -> new Slot()).get(key);
    }

    /** Models loaded by this JVM since it started (each engine counts once; a load after {@link #closeAll} again). */
    public static long loads() {
        return LOADS.get();
    }

    /** Closes every engine of this JVM (the shutdown hook does this at exit); a later task loads again. */
    public static void closeAll() {
        List<Slot> slots = new ArrayList<>(ENGINES.values());
        ENGINES.clear();
        for (Slot s : slots) {
            s.close();
        }
    }

    private static void shutdownHook() {
        if (!hooked) {
            synchronized (ExecutorEngines.class) {
                if (!hooked) {
                    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorEngines::closeAll, "visionpangu-close"));
                    hooked = true;
                }
            }
        }
    }

    /**
     * ImageIO finds its format plugins (the engine's JPEG, WebP and BMP readers) through the class loader of the
     * thread that first uses it. On an executor the job's jars are on the task thread's context loader, not on
     * the system one, so the plugins are registered again from a task thread before the first image is read.
     */
    private static void pluginsScanned() {
        if (!scanned) {
            ImageIO.scanForPlugins();
            scanned = true;
        }
    }
}
