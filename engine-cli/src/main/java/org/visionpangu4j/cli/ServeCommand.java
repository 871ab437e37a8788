package org.visionpangu4j.cli;

import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.server.OpenAiServer;
import org.visionpangu4j.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code visionpangu serve}: the OpenAI-compatible HTTP server ({@code engine-server}) on one model until the
 * process is interrupted (Ctrl-C, SIGTERM), then a graceful shutdown: running requests get
 * {@code --shutdown-grace} seconds, queued ones a 503, then the model is released.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the model over an OpenAI-compatible HTTP API: POST /v1/chat/completions (text and "
                + "images as data: URIs, streaming), GET /v1/models, GET /health.",
                "Without --model, serves the bundled demo checkpoint (random weights)."})
final class ServeCommand implements Callable<Integer> {
    /** The JDK server's limit (seconds) on receiving a request's headers and body; read once, at its first use. */
    static final String REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    /** The JDK server's limit (seconds) from a received request to its sent response, queueing included. */
    static final String RESPONSE_TIME_PROPERTY = "sun.net.httpserver.maxRspTime";

    @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "Model directory (default: bundled demo).")
    Path model;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServerOptions.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 = all).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free one).")
    int port;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "Model id in /v1/models and replies (default: the model directory's name).")
    String modelName;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:VISIONPANGU_API_KEY}",
            description = "Require 'Authorization: Bearer KEY' on /v1 (default: $VISIONPANGU_API_KEY; unset = no key).")
    String apiKey;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Requests generating at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "Requests waiting beyond --parallel; more get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "512",
            description = "Reply length when a request sets no max_tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "16777216",
            description = "Largest request body (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-image-bytes", paramLabel = "N", defaultValue = "10485760",
            description = "Largest encoded image (default: ${DEFAULT-VALUE}).")
    long maxImageBytes;

    @Option(names = "--max-images", paramLabel = "N", defaultValue = "8",
            description = "Most images per request (default: ${DEFAULT-VALUE}).")
    int maxImages;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "24000000",
            description = "Pixel budget per image, checked from its header (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--allow-file-dir", paramLabel = "DIR",
            description = "Accept file: image URLs for files inside DIR (default: file: URLs are refused).")
    Path fileDir;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "10",
            description = "On shutdown, how long running requests may finish (default: ${DEFAULT-VALUE}).")
    long shutdownGrace;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Most time a client may take to send a request (default: ${DEFAULT-VALUE}).")
    long requestTimeout;

    @Option(names = "--response-timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = {"Most time from a received request to its last byte, queueing included; then the "
                    + "connection is closed (default: ${DEFAULT-VALUE}).",
                    "Bounds how long a client that stops reading can hold its slot."})
    long responseTimeout;

    @Mixin
    EngineFlags engine;

    @Spec
    CommandSpec spec;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile OpenAiServer server;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        EngineOptions.Builder engineOptions = engineOptions(); // validate before loading anything
        ServerOptions.Builder serverOptions = serverOptions();
        if (fileDir != null && !Files.isDirectory(fileDir)) {
            throw new VisionPanguException("--allow-file-dir " + fileDir + ": no such directory");
        }
        Path dir = ModelLocator.orDemo(model, err);
        String name = modelName != null ? modelName : dir.toAbsolutePath().normalize().getFileName().toString();
        ServerOptions options = serverOptions.modelName(name).build();
        // The JDK's server has no per-write timeout: these two bound a client that trickles its request in, and
        // one that stops reading its reply (its request would otherwise block writing and hold its slot).
        setIfAbsent(REQUEST_TIME_PROPERTY, requestTimeout);
        setIfAbsent(RESPONSE_TIME_PROPERTY, responseTimeout);
        Thread hook = new Thread(this::shutdownFromSignal, "visionpangu-shutdown");
        try (Engine engine = Engine.load(dir, engineOptions.progress(Progress.to(err)).build());
             OpenAiServer s = start(engine, options)) {
            server = s;
            if (!InetAddress.getByName(options.host()).isLoopbackAddress() && options.apiKey() == null) {
                err.println("visionpangu: warning: listening on " + options.host() + " without --api-key: anyone who"
                        + " can reach this port can use the model");
            }
            err.println("visionpangu: serving '" + name + "' at " + s.baseUri() + " (POST /chat/completions, "
                    + "GET /models; GET /health); Ctrl-C stops");
            err.flush();
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            err.println("visionpangu: shutting down");
            err.flush();
        } finally {
            server = null;
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // Shutting down already, or the hook was never added.
            }
        }
        return 0;
    }

    /** The running server, once it is listening (for tests). */
    OpenAiServer server() {
        return server;
    }

    /** Ends {@link #call()}: a graceful shutdown of the server, then the engine. */
    void stop() {
        stop.countDown();
    }

    /** On Ctrl-C / SIGTERM: stop, and keep the JVM alive until the server and engine are closed. */
    private void shutdownFromSignal() {
        stop();
        try {
            stopped.await(shutdownGrace + 40, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void setIfAbsent(String property, long seconds) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Long.toString(seconds));
        }
    }

    private static OpenAiServer start(Engine engine, ServerOptions options) throws IOException {
        try {
            return OpenAiServer.start(engine, options);
        } catch (BindException e) {
            throw new VisionPanguException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage() + " (is another server using the port? --port picks another)", e);
        }
    }

    ServerOptions.Builder serverOptions() {
        if (requestTimeout < 1 || responseTimeout < 1) {
            throw new IllegalArgumentException("--request-timeout and --response-timeout must be ≥ 1 second");
        }
        ServerOptions.Builder b = ServerOptions.builder().host(host).port(port)
                .apiKey(apiKey == null || apiKey.isEmpty() ? null : apiKey)
                .parallel(parallel).queue(queue).defaultMaxTokens(maxTokens).maxBodyBytes(maxBodyBytes)
                .maxImageBytes(maxImageBytes).maxImages(maxImages).fileImageDir(fileDir)
                .shutdownGrace(Duration.ofSeconds(shutdownGrace));
        b.modelName("check").build(); // validates every option now, before the model loads
        return b;
    }

    EngineOptions.Builder engineOptions() {
        EngineOptions.Builder b = engine.builder().maxPixels(maxPixels);
        b.build();
        return b;
    }
}
