package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/** A small JSON-over-HTTP client for the tests (JDK HttpClient, HTTP/1.1). */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Virtual threads for the client's work, so the load test's platform-thread count is the server's. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(10)).build();

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (status " + status + "): " + body, e);
            }
        }

        /** The {@code data:} payloads of a server-sent event stream, in order. */
        List<String> events() {
            List<String> out = new ArrayList<>();
            for (String block : body.split("\n\n")) {
                if (block.startsWith("data: ")) {
                    out.add(block.substring("data: ".length()));
                }
            }
            return out;
        }
    }

    private Http() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static Reply post(URI uri, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static Reply post(URI uri, JsonNode body, String... headers) {
        return post(uri, body.toString(), headers);
    }

    static Reply get(URI uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static Reply method(URI uri, String method, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    private static Reply send(HttpRequest r) {
        try {
            HttpResponse<String> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
            return new Reply(resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""), resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A chat request body: one user turn with optional images before the text, greedy, {@code maxTokens}. */
    static ObjectNode chat(String text, int maxTokens, String... images) {
        ObjectNode req = object();
        req.put("model", "tiny");
        req.put("max_tokens", maxTokens);
        req.put("temperature", 0);
        ObjectNode msg = req.putArray("messages").addObject();
        msg.put("role", "user");
        if (images.length == 0) {
            msg.put("content", text);
        } else {
            var parts = msg.putArray("content");
            for (String img : images) {
                parts.addObject().put("type", "image_url").putObject("image_url").put("url", TestModel.dataUri(img));
            }
            parts.addObject().put("type", "text").put("text", text);
        }
        return req;
    }
}
