package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import org.visionpangu4j.Completion;
import org.visionpangu4j.TextListener;
import org.visionpangu4j.CancellationToken;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The response to one chat completion, fed by the engine as the reply grows. Nothing is sent until the first
 * piece of the reply arrives: by then the images are decoded and the prompt is prefilled, so every input error can
 * still become a proper 4xx. From the first piece on, every piece writes to the socket (a chunk of the stream, or
 * for a plain JSON reply one space of the whitespace JSON allows before a value), so a client that went away is
 * noticed at the next piece and its request is cancelled; the JDK's HTTP server gives no other signal of a closed
 * connection.
 */
abstract sealed class Reply implements TextListener permits Reply.Json, Reply.Sse {
    final HttpExchange exchange;
    final CancellationToken cancel;
    final String id;
    final long created;
    final String model;
    private boolean committed;
    private boolean gone;

    Reply(HttpExchange exchange, CancellationToken cancel, String id, long created, String model) {
        this.exchange = exchange;
        this.cancel = cancel;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    @Override
    public final void onText(String piece) {
        if (gone) {
            return;
        }
        try {
            commitOnce();
            writePiece(piece);
            exchange.getResponseBody().flush();
        } catch (IOException e) {
            clientGone();
        }
    }

    /** Sends the finished reply. */
    final void complete(Completion c) {
        if (gone) {
            return;
        }
        try {
            if (committed) {
                finishCommitted(c);
            } else {
                finishUncommitted(c);
            }
        } catch (IOException e) {
            clientGone();
        }
    }

    /** Sends an error: a 4xx/5xx while nothing was sent, else the error in the body already started. */
    final void fail(ApiException e) {
        if (gone) {
            return;
        }
        try {
            if (committed) {
                failCommitted(e);
            } else {
                HttpIo.sendError(exchange, e);
            }
        } catch (IOException io) {
            clientGone();
        }
    }

    /** Whether the client closed the connection before the reply was sent. */
    final boolean clientLeft() {
        return gone;
    }

    private void commitOnce() throws IOException {
        if (!committed) {
            committed = true;
            commit();
        }
    }

    private void clientGone() {
        gone = true;
        cancel.cancel();
    }

    final OutputStream out() {
        return exchange.getResponseBody();
    }

    /** Sends the headers (a chunked 200) and whatever precedes the first piece. */
    abstract void commit() throws IOException;

    abstract void writePiece(String piece) throws IOException;

    abstract void finishCommitted(Completion c) throws IOException;

    abstract void finishUncommitted(Completion c) throws IOException;

    abstract void failCommitted(ApiException e) throws IOException;

    /** {@code stream: false}: one {@code chat.completion} object. */
    static final class Json extends Reply {
        private static final byte[] SPACE = {' '};

        Json(HttpExchange exchange, CancellationToken cancel, String id, long created, String model) {
            super(exchange, cancel, id, created, model);
        }

        @Override
        void commit() throws IOException {
            exchange.getResponseHeaders().set("Content-Type", HttpIo.JSON);
            exchange.sendResponseHeaders(200, 0);
        }

        @Override
        void writePiece(String piece) throws IOException {
            out().write(SPACE);
        }

        @Override
        void finishCommitted(Completion c) throws IOException {
            out().write(OpenAiJson.bytes(OpenAiJson.completion(id, created, model, c)));
            out().close();
        }

        @Override
        void finishUncommitted(Completion c) throws IOException {
            HttpIo.send(exchange, 200, OpenAiJson.completion(id, created, model, c));
        }

        @Override
        void failCommitted(ApiException e) throws IOException {
            out().write(OpenAiJson.bytes(OpenAiJson.error(e)));
            out().close();
        }
    }

    /** {@code stream: true}: server-sent {@code chat.completion.chunk} events ending in {@code data: [DONE]}. */
    static final class Sse extends Reply {
        private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

        private final boolean includeUsage;

        Sse(HttpExchange exchange, CancellationToken cancel, String id, long created, String model,
            boolean includeUsage) {
            super(exchange, cancel, id, created, model);
            this.includeUsage = includeUsage;
        }

        @Override
        void commit() throws IOException {
            var h = exchange.getResponseHeaders();
            h.set("Content-Type", "text/event-stream; charset=utf-8");
            h.set("Cache-Control", "no-cache");
            h.set("X-Accel-Buffering", "no");
            exchange.sendResponseHeaders(200, 0);
            event(OpenAiJson.chunk(id, created, model, OpenAiJson.delta("assistant", ""), null, includeUsage));
        }

        @Override
        void writePiece(String piece) throws IOException {
            event(OpenAiJson.chunk(id, created, model, OpenAiJson.delta(null, piece), null, includeUsage));
        }

        @Override
        void finishCommitted(Completion c) throws IOException {
            event(OpenAiJson.chunk(id, created, model, OpenAiJson.object(),
                    OpenAiJson.finishReason(c.stopReason()), includeUsage));
            if (includeUsage) {
                event(OpenAiJson.usageChunk(id, created, model, c));
            }
            out().write(DONE);
            out().close();
        }

        @Override
        void finishUncommitted(Completion c) throws IOException {
            commit(); // an empty reply still streams: role chunk, finish chunk, [DONE]
            finishCommitted(c);
        }

        @Override
        void failCommitted(ApiException e) throws IOException {
            event(OpenAiJson.error(e));
            out().close();
        }

        private void event(JsonNode data) throws IOException {
            byte[] json = OpenAiJson.bytes(data);
            OutputStream o = out();
            o.write(DATA);
            o.write(json);
            o.write(END);
        }
    }
}
