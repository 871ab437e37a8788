package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.ChatMessage;
import org.visionpangu4j.Completion;
import org.visionpangu4j.Engine;
import org.visionpangu4j.ImageInput;
import org.visionpangu4j.GenerationOptions;
import org.visionpangu4j.StopReason;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many clients at once through one server: every reply equals the sequential one, nothing grows, and a client
 * that goes away mid-stream frees its slot.
 */
class LoadTest {
    static final int CLIENTS = 16;
    static final int REQUESTS_PER_CLIENT = 10;
    static final int TOKENS = 6;

    static Engine engine;
    static OpenAiServer server;
    static URI chat;
    static final LinkedBlockingQueue<Completion> finished = new LinkedBlockingQueue<>();

    /** One of the mixed request kinds: an image or not, streamed or not. */
    record Kind(String image, String prompt, boolean stream) {
        ObjectNode body() {
            ObjectNode req = image == null ? Http.chat(prompt, TOKENS) : Http.chat(prompt, TOKENS, image);
            req.put("stream", stream);
            return req;
        }

        String expected() {
            GenerationOptions greedy = GenerationOptions.builder().maxNewTokens(TOKENS).build();
            ChatMessage user = image == null ? ChatMessage.user(prompt)
                    : ChatMessage.user(prompt, ImageInput.of(TestModel.image(image)));
            return engine.chat(List.of(user), greedy).text();
        }
    }

    static final Kind[] KINDS = {
            new Kind("alpha_badge.png", "What is this?", true),
            new Kind(null, "Tell me a story.", false),
            new Kind("portrait_scene.jpg", "Describe the scene.", false),
            new Kind(null, "Name three colours.", true),
    };

    @BeforeAll
    static void start() throws Exception {
        engine = TestModel.load();
        server = OpenAiServer.start(engine, ServerOptions.builder().port(0).parallel(4).queue(16).build());
        server.onFinished(finished::add);
        chat = URI.create(server.baseUri() + "/chat/completions");
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    /** The reply text of a plain or streamed response. */
    static String text(Http.Reply r) {
        assertEquals(200, r.status(), r.body());
        if (!r.contentType().startsWith("text/event-stream")) {
            return r.json().get("choices").get(0).get("message").get("content").asText();
        }
        StringBuilder sb = new StringBuilder();
        List<String> events = r.events();
        assertEquals("[DONE]", events.getLast());
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode delta = new Http.Reply(200, "", e).json().get("choices").get(0).get("delta");
            if (delta.has("content")) {
                sb.append(delta.get("content").asText());
            }
        }
        return sb.toString();
    }

    @Test
    void sixteenClientsTimesTenEqualSequentialAndLeaveNothingBehind() throws Exception {
        List<String> expected = new ArrayList<>();
        for (Kind k : KINDS) {
            expected.add(k.expected());
        }
        text(Http.post(chat, KINDS[0].body())); // warm up: the HTTP client's and server's threads exist from here
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        long heapBefore = usedHeapAfterGc();

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                results.add(clients.submit(() -> {
                    List<String> replies = new ArrayList<>();
                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                        replies.add(text(Http.post(chat, KINDS[(client + i) % KINDS.length].body())));
                    }
                    return replies;
                }));
            }
            for (int c = 0; c < CLIENTS; c++) {
                List<String> replies = results.get(c).get(3, TimeUnit.MINUTES);
                for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                    assertEquals(expected.get((c + i) % KINDS.length), replies.get(i), "client " + c + " request " + i);
                }
            }
        } finally {
            clients.shutdownNow();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
        }

        waitUntil(() -> server.inFlight() == 0); // a request leaves the queue just after its reply is sent
        // Bounded state: no thread is left behind and the heap is back where it was (within GC noise).
        int threadsAfter = waitForThreads(threads, threadsBefore);
        assertTrue(threadsAfter <= threadsBefore, "threads " + threadsBefore + " → " + threadsAfter + ": "
                + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList());
        long heapAfter = usedHeapAfterGc();
        assertTrue(heapAfter < heapBefore + (32L << 20), "heap " + (heapBefore >> 20) + " MB → " + (heapAfter >> 20) + " MB");
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSlot() throws Exception {
        finished.clear();
        ObjectNode req = Http.chat("Tell me a long story.", 8000);
        req.put("stream", true);
        try (RawStream s = new RawStream(server.port(), req.toString())) {
            assertEquals(200, s.status());
            s.readEvents(3);
        }
        Completion c = finished.poll(30, TimeUnit.SECONDS);
        assertTrue(c != null, "the cancelled request did not end");
        assertEquals(StopReason.CANCELLED, c.stopReason());
        // Generating all 8000 tokens takes seconds; the client's 4 KB receive buffer holds few events, so the
        // request was cancelled long before that.
        assertTrue(c.tokenIds().length < 2000, c.tokenIds().length + " tokens generated after the client left");
        waitUntil(() -> server.inFlight() == 0);
        assertEquals(expectedFirst(), text(Http.post(chat, KINDS[1].body())));
    }

    @Test
    void aClientThatDisconnectsFromAPlainRequestFreesItsSlot() throws Exception {
        finished.clear();
        ObjectNode req = Http.chat("Tell me a long story.", 8000);
        try (RawStream s = new RawStream(server.port(), req.toString())) {
            assertEquals(200, s.status()); // headers go out with the first piece of the reply
        }
        Completion c = finished.poll(30, TimeUnit.SECONDS);
        assertTrue(c != null, "the cancelled request did not end");
        assertEquals(StopReason.CANCELLED, c.stopReason());
        assertTrue(c.tokenIds().length < 2000, c.tokenIds().length + " tokens generated after the client left");
        waitUntil(() -> server.inFlight() == 0);
    }

    @Test
    void aFullQueueAnswers429AndRecovers() throws Exception {
        try (Engine e = TestModel.load();
             OpenAiServer tight = OpenAiServer.start(e, ServerOptions.builder().port(0).parallel(1).queue(1).build())) {
            ObjectNode longStream = Http.chat("Tell me a long story.", 8000);
            longStream.put("stream", true);
            try (RawStream running = new RawStream(tight.port(), longStream.toString())) {
                assertEquals(200, running.status());
                running.readEvents(1);
                RawStream queued = new RawStream(tight.port(), longStream.toString());
                waitUntil(() -> tight.inFlight() == 2);
                assertEquals(1, tight.running());
                URI uri = URI.create(tight.baseUri() + "/chat/completions");
                Http.Reply busy = Http.post(uri, Http.chat("Hello", 2));
                assertEquals(429, busy.status(), busy.body());
                assertEquals("queue_full", busy.json().get("error").get("code").asText());
                queued.close(); // leaves while queued: noticed at its first piece, once it has a turn
            }
            waitUntil(() -> tight.inFlight() == 0);
            assertEquals(200, Http.post(URI.create(tight.baseUri() + "/chat/completions"), Http.chat("Hello", 2)).status());
        }
    }

    private String expectedFirst() {
        return KINDS[1].expected();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static int waitForThreads(ThreadMXBean threads, int target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int n = threads.getThreadCount();
        while (n > target && System.nanoTime() < deadline) {
            Thread.sleep(100);
            n = threads.getThreadCount();
        }
        return n;
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 30 s");
            }
            Thread.sleep(10);
        }
    }
}
