package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Engine;
import org.visionpangu4j.GenerationOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** close(): running requests finish within the grace period or are cancelled, queued ones get 503. */
class ShutdownTest {
    static Engine engine;

    @BeforeAll
    static void load() {
        engine = TestModel.load();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void runningRequestsFinishWithinTheGracePeriod() throws Exception {
        OpenAiServer server = OpenAiServer.start(engine, ServerOptions.builder().port(0)
                .shutdownGrace(Duration.ofSeconds(60)).build());
        URI chat = URI.create(server.baseUri() + "/chat/completions");
        CompletableFuture<Http.Reply> reply = CompletableFuture.supplyAsync(
                () -> Http.post(chat, Http.chat("Tell me a long story.", 3000)));
        LoadTest.waitUntil(() -> server.running() == 1);
        server.close();
        Http.Reply r = reply.get(60, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.body());
        String expected = engine.chat(List.of(ChatMessage.user("Tell me a long story.")),
                GenerationOptions.builder().maxNewTokens(3000).build()).text();
        assertEquals(expected, r.json().get("choices").get(0).get("message").get("content").asText());
        assertRefused(server.port());
    }

    @Test
    void afterTheGracePeriodRunningRequestsAreCancelledAndQueuedOnesRefused() throws Exception {
        OpenAiServer server = OpenAiServer.start(engine, ServerOptions.builder().port(0).parallel(1).queue(2)
                .shutdownGrace(Duration.ZERO).build());
        URI chat = URI.create(server.baseUri() + "/chat/completions");
        ObjectNode longStream = Http.chat("Tell me a long story.", 8000);
        longStream.put("stream", true);
        // Headers come with the first piece of the reply: from then on the stream has started.
        HttpResponse<Stream<String>> streamed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(chat)
                .POST(HttpRequest.BodyPublishers.ofString(longStream.toString())).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, streamed.statusCode());
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> streamed.body().toList());
        CompletableFuture<Http.Reply> queued = CompletableFuture.supplyAsync(
                () -> Http.post(chat, Http.chat("Hello", 2)));
        LoadTest.waitUntil(() -> server.inFlight() == 2);

        long t0 = System.nanoTime();
        server.close();
        long closeMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(closeMillis < 10_000, "close took " + closeMillis + " ms");

        Http.Reply q = queued.get(30, TimeUnit.SECONDS);
        assertEquals(503, q.status(), q.body());
        assertEquals("shutting_down", q.json().get("error").get("code").asText());
        // The stream had started: it ends with an error event instead of [DONE].
        List<String> events = lines.get(30, TimeUnit.SECONDS).stream().filter(l -> l.startsWith("data: "))
                .map(l -> l.substring("data: ".length())).toList();
        assertFalse(events.contains("[DONE]"), events.size() + " events");
        JsonNode last = new Http.Reply(200, "", events.getLast()).json();
        assertEquals("shutting_down", last.get("error").get("code").asText());
        assertRefused(server.port());
        // The engine is the caller's and still works.
        assertFalse(engine.chat(List.of(ChatMessage.user("Hi")), GenerationOptions.builder().maxNewTokens(2).build())
                .text().isEmpty());
    }

    /** A client that stops reading may block its request in a socket write; close() still ends it promptly. */
    @Test
    void aClientThatStopsReadingDoesNotHoldUpClose() throws Exception {
        OpenAiServer server = OpenAiServer.start(engine, ServerOptions.builder().port(0)
                .shutdownGrace(Duration.ZERO).build());
        ObjectNode longStream = Http.chat("Tell me a long story.", 8000);
        longStream.put("stream", true);
        try (RawStream stalled = new RawStream(server.port(), longStream.toString())) {
            assertEquals(200, stalled.status());
            stalled.readEvents(2);
            // The server writes on until the socket buffers are full (on loopback they may hold the whole reply).
            Thread.sleep(300);
            long t0 = System.nanoTime();
            server.close();
            long closeMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(closeMillis < 15_000, "close took " + closeMillis + " ms");
            assertEquals(0, server.inFlight());
            assertFalse(stalled.remainingEvents().contains("[DONE]"));
        }
        assertRefused(server.port());
    }

    @Test
    void closeIsIdempotentAndNewRequestsAfterItAreRefused() throws Exception {
        OpenAiServer server = OpenAiServer.start(engine, ServerOptions.builder().port(0).build());
        assertEquals(200, Http.get(URI.create("http://127.0.0.1:" + server.port() + "/health")).status());
        server.close();
        server.close();
        assertRefused(server.port());
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                if (s.getInputStream().read() < 0) {
                    throw new ConnectException("closed without a reply");
                }
            } catch (IOException e) {
                if (e instanceof ConnectException c) {
                    throw c;
                }
                throw new UncheckedIOException(e);
            }
        });
    }
}
