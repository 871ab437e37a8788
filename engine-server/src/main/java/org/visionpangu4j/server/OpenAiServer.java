package org.visionpangu4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.core.VisionPanguException;
import org.visionpangu4j.StopReason;
import org.visionpangu4j.core.ContextOverflowException;
import org.visionpangu4j.core.ImageInputException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible HTTP server over one {@link Engine}: {@code POST /v1/chat/completions} (text and images,
 * plain or streamed), {@code GET /v1/models}, {@code GET /v1/models/{id}} and {@code GET /health}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} with one virtual thread per request; each request runs
 * {@code Engine.chat} on its own thread once {@link Admission} gives it a turn. Bad input of any kind is answered
 * with a 4xx and OpenAI's error object; the server keeps serving. {@link #close()} shuts down gracefully. The
 * engine stays the caller's: close it after the server.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    /** How long close() waits for cancelled requests to stop, and again for the request threads to end. */
    private static final long CANCEL_WAIT_MILLIS = 5_000;

    private final Engine engine;
    private final ServerOptions options;
    private final HttpServer http;
    private final ExecutorService threads;
    private final Admission admission;
    private final OpenAiJson json;
    private final ChatRequestParser parser;
    private final byte[] keyDigest;
    private final long created = System.currentTimeMillis() / 1000;
    private volatile Consumer<Completion> finished = c -> { };
    private volatile boolean closing;
    private boolean closed;

    private OpenAiServer(Engine engine, ServerOptions options) throws IOException {
        this.engine = engine;
        this.options = options;
        this.admission = new Admission(options.parallel(), options.queue());
        this.json = new OpenAiJson(options.maxBodyBytes());
        this.parser = new ChatRequestParser(options);
        this.keyDigest = options.apiKey() == null ? null : sha256(options.apiKey());
        this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("visionpangu-http-", 0).factory());
        http.setExecutor(threads);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Binds {@code options.host():options.port()} and starts serving {@code engine}. */
    public static OpenAiServer start(Engine engine, ServerOptions options) throws IOException {
        return new OpenAiServer(engine, options);
    }

    /** The bound port (the chosen one when {@link ServerOptions#port()} was 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port/v1}, the base URL OpenAI clients take. */
    public URI baseUri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/v1");
    }

    /** Requests admitted and not finished: generating or waiting for a turn. */
    public int inFlight() {
        return admission.admitted();
    }

    /** Requests generating now. */
    public int running() {
        return admission.running();
    }

    public ServerOptions options() {
        return options;
    }

    /** For tests: receives every generation's result (cancelled ones included) before its reply is sent. */
    void onFinished(Consumer<Completion> listener) {
        this.finished = listener;
    }

    // ---- routing --------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) {
        try {
            route(ex);
        } catch (ApiException e) {
            trySend(ex, e);
        } catch (IOException e) {
            // The client went away while we read or wrote; nothing to tell it.
        } catch (RuntimeException e) {
            // A bug, not the request's fault: say so if nothing was sent yet.
            LOG.log(System.Logger.Level.ERROR, "request failed", e);
            trySend(ex, new ApiException(500, "server_error", null, null,
                    "internal error: " + e.getClass().getSimpleName()));
        } finally {
            ex.close();
        }
    }

    private static void trySend(HttpExchange ex, ApiException e) {
        try {
            HttpIo.sendError(ex, e);
        } catch (IOException | RuntimeException ignored) {
            // The response had started, or the client is gone.
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        if (path.equals("/health")) {
            requireMethod(method, "GET");
            health(ex);
            return;
        }
        if (!path.equals("/v1/chat/completions") && !path.equals("/v1/models") && !path.startsWith("/v1/models/")) {
            throw new ApiException(404, ApiException.INVALID_REQUEST, null, "not_found",
                    "no such endpoint: " + method + " " + path);
        }
        authorize(ex);
        if (path.equals("/v1/chat/completions")) {
            requireMethod(method, "POST");
            chatCompletions(ex);
        } else if (path.equals("/v1/models")) {
            requireMethod(method, "GET");
            HttpIo.send(ex, 200, OpenAiJson.models(options.modelName(), created));
        } else {
            requireMethod(method, "GET");
            String id = URLDecoder.decode(path.substring("/v1/models/".length()), StandardCharsets.UTF_8);
            if (!id.equals(options.modelName())) {
                throw new ApiException(404, ApiException.INVALID_REQUEST, "model", "model_not_found",
                        "the model '" + id + "' does not exist; this server serves '" + options.modelName() + "'");
            }
            HttpIo.send(ex, 200, OpenAiJson.model(options.modelName(), created));
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiException(405, ApiException.INVALID_REQUEST, null, "method_not_allowed",
                    "method " + method + " is not allowed here; use " + allowed);
        }
    }

    private void health(HttpExchange ex) throws IOException {
        var body = OpenAiJson.object();
        body.put("status", closing ? "shutting_down" : "ok");
        body.put("model", options.modelName());
        body.put("running", admission.running());
        body.put("queued", admission.admitted() - admission.running());
        HttpIo.send(ex, closing ? 503 : 200, body);
    }

    /** With an API key configured: {@code Authorization: Bearer <key>}, compared in constant time. */
    private void authorize(HttpExchange ex) {
        if (keyDigest == null) {
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String prefix = "Bearer ";
        boolean ok = auth != null && auth.regionMatches(true, 0, prefix, 0, prefix.length())
                && MessageDigest.isEqual(keyDigest, sha256(auth.substring(prefix.length()).strip()));
        if (!ok) {
            throw new ApiException(401, ApiException.INVALID_REQUEST, null, "invalid_api_key", auth == null
                    ? "missing API key: send 'Authorization: Bearer <key>'" : "incorrect API key provided");
        }
    }

    // ---- chat completions -----------------------------------------------------------------------------------

    private void chatCompletions(HttpExchange ex) throws IOException {
        try (Admission.Ticket ticket = admission.enter()) {
            try {
                generate(ex, ticket);
            } catch (ApiException e) {
                // Sent while the ticket is held: close() waits for admitted requests before it closes connections.
                HttpIo.sendError(ex, e);
            }
        }
    }

    private void generate(HttpExchange ex, Admission.Ticket ticket) throws IOException {
        byte[] body = HttpIo.readBody(ex, options.maxBodyBytes());
        ChatCompletionRequest req = ticket.parse(() -> parser.parse(json.parse(body)));
        ticket.awaitTurn();
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis() / 1000;
        Reply reply = req.stream()
                ? new Reply.Sse(ex, ticket.cancel(), id, now, options.modelName(), req.includeUsage())
                : new Reply.Json(ex, ticket.cancel(), id, now, options.modelName());
        Completion c;
        try {
            c = engine.chat(req.messages(), req.options(), reply, ticket.cancel());
        } catch (RuntimeException e) {
            reply.fail(toApiError(e));
            return;
        }
        finished.accept(c);
        if (c.stopReason() != StopReason.CANCELLED) {
            reply.complete(c);
        } else if (!reply.clientLeft()) {
            reply.fail(Admission.shuttingDown()); // cancelled by close(), not by the client
        }
    }

    /** Engine errors of a request: bad input becomes a 400; an engine closed under us a 503; the rest a 500. */
    private static ApiException toApiError(RuntimeException e) {
        if (e instanceof ApiException a) {
            return a;
        }
        if (e instanceof ContextOverflowException) {
            return ApiException.invalid("messages", "context_length_exceeded",
                    "the prompt does not fit in this server's context: " + e.getMessage());
        }
        if (e instanceof ImageInputException) {
            return ApiException.invalid("messages", "invalid_image", "invalid image: " + e.getMessage());
        }
        if (e instanceof VisionPanguException || e instanceof IllegalArgumentException) {
            // Raised while rendering and encoding the request (e.g. <image> placeholders that do not match the
            // images): the request's fault.
            return ApiException.invalid("messages", e.getMessage());
        }
        if (e instanceof IllegalStateException) {
            return Admission.shuttingDown();
        }
        LOG.log(System.Logger.Level.ERROR, "chat completion failed", e);
        return new ApiException(500, "server_error", null, null, "internal error: " + e.getClass().getSimpleName());
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- shutdown -------------------------------------------------------------------------------------------

    /**
     * Graceful shutdown: new requests get 503 and queued ones are refused; running requests get
     * {@link ServerOptions#shutdownGrace()} to finish, then are cancelled (they stop within one token and their
     * clients get a 503 or an error event); then the listener and every connection close (which also frees a
     * request blocked writing to a client that stopped reading) and the request threads end.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        admission.close();
        try {
            if (!admission.awaitIdle(options.shutdownGrace().toMillis())) {
                admission.cancelAll();
                admission.awaitIdle(CANCEL_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admission.cancelAll();
        }
        http.stop(0);
        threads.shutdown();
        try {
            if (!threads.awaitTermination(CANCEL_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.shutdownNow();
        }
    }
}
