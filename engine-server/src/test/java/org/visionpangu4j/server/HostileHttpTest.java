package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.Engine;
import org.visionpangu4j.EngineOptions;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad requests of every kind get the right 4xx with OpenAI's error JSON, and the server keeps serving. */
class HostileHttpTest {
    static final String KEY = "sekret-key";
    static Engine engine;
    static Engine small;
    static OpenAiServer server;
    static OpenAiServer smallServer;
    static URI chat;
    static URI smallChat;

    @BeforeAll
    static void start() throws Exception {
        engine = TestModel.load();
        small = Engine.load(TestModel.dir(), EngineOptions.builder().threads(2).maxContext(64).maxPixels(20_000).build());
        server = OpenAiServer.start(engine, ServerOptions.builder().port(0).apiKey(KEY).maxBodyBytes(256 << 10)
                .maxImageBytes(120_000).maxImages(2).fileImageDir(TestModel.dir().resolve("images")).build());
        smallServer = OpenAiServer.start(small, ServerOptions.builder().port(0).build());
        chat = URI.create(server.baseUri() + "/chat/completions");
        smallChat = URI.create(smallServer.baseUri() + "/chat/completions");
    }

    @AfterAll
    static void stop() {
        server.close();
        smallServer.close();
        engine.close();
        small.close();
    }

    /** After every hostile request, a good one still succeeds and nothing is left admitted. */
    @AfterEach
    void stillServes() throws InterruptedException {
        Http.Reply ok = post(Http.chat("Hello", 2).toString());
        assertEquals(200, ok.status(), ok.body());
        // A request leaves the queue just after its reply is sent.
        LoadTest.waitUntil(() -> server.inFlight() == 0 && smallServer.inFlight() == 0);
    }

    static Http.Reply post(String body) {
        return Http.post(chat, body, "Authorization", "Bearer " + KEY);
    }

    /** The reply is {@code status} with {@code {"error":{"message","type","param","code"}}}; returns the error. */
    static JsonNode assertError(int status, Http.Reply r) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        JsonNode e = r.json().get("error");
        assertTrue(e != null && e.get("message").isTextual() && !e.get("message").asText().isBlank(), r.body());
        assertTrue(e.get("type").isTextual(), r.body());
        assertTrue(e.has("param") && e.has("code"), r.body());
        return e;
    }

    static JsonNode assertBadRequest(String body, String param) {
        JsonNode e = assertError(400, post(body));
        assertEquals("invalid_request_error", e.get("type").asText());
        if (param != null) {
            assertEquals(param, e.get("param").asText(), e.toString());
        }
        return e;
    }

    static ObjectNode withImage(String url) {
        ObjectNode req = Http.chat("Describe.", 2);
        var parts = ((ObjectNode) req.get("messages").get(0)).putArray("content");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
        parts.addObject().put("type", "text").put("text", "Describe.");
        return req;
    }

    // ---- JSON ------------------------------------------------------------------------------------------------

    @Test
    void malformedJson() {
        assertEquals("invalid_json", assertBadRequest("{\"messages\": [", null).get("code").asText());
        assertEquals("invalid_json", assertBadRequest("{} trailing", null).get("code").asText());
        assertEquals("invalid_json", assertBadRequest("{\"a\":1,\"a\":2}", null).get("code").asText());
        assertEquals("invalid_json", assertBadRequest("[".repeat(5000) + "]".repeat(5000), null).get("code").asText());
        assertBadRequest("", null);
        assertBadRequest("[1,2]", null);
        assertBadRequest("\"just a string\"", null);
    }

    @Test
    void invalidUtf8() {
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":\"\u0000\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = Arrays.copyOf(body, body.length);
        bad[body.length - 5] = (byte) 0xC3; // a lead byte followed by '"' is not UTF-8
        HttpRequest r = HttpRequest.newBuilder(chat).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bad)).build();
        assertError(400, send(r));
    }

    @Test
    void wrongTypes() {
        assertBadRequest("{\"messages\":\"hi\"}", "messages");
        assertBadRequest("{\"messages\":[]}", "messages");
        assertBadRequest("{}", "messages");
        assertBadRequest("{\"messages\":[\"hi\"]}", "messages[0]");
        assertBadRequest("{\"messages\":[{\"role\":3,\"content\":\"x\"}]}", "messages[0].role");
        assertBadRequest("{\"messages\":[{\"content\":\"x\"}]}", "messages[0].role");
        assertBadRequest("{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", "messages[0].role");
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content");
        assertBadRequest("{\"messages\":[{\"role\":\"user\"}]}", "messages[0].content");
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":1}]}]}",
                "messages[0].content[0].text");
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}",
                "messages[0].content[0].type");
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":5}}]}]}",
                "messages[0].content[0].image_url.url");
        assertBadRequest("{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}",
                "messages[0].content[0].type");
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertBadRequest("{" + msgs + ",\"model\":7}", "model");
        assertBadRequest("{" + msgs + ",\"max_tokens\":\"10\"}", "max_tokens");
        assertBadRequest("{" + msgs + ",\"max_tokens\":1.5}", "max_tokens");
        assertBadRequest("{" + msgs + ",\"max_tokens\":0}", "max_tokens");
        assertBadRequest("{" + msgs + ",\"max_tokens\":99999999999}", "max_tokens");
        assertBadRequest("{" + msgs + ",\"max_completion_tokens\":-1}", "max_completion_tokens");
        assertBadRequest("{" + msgs + ",\"temperature\":\"hot\"}", "temperature");
        assertBadRequest("{" + msgs + ",\"temperature\":2.5}", "temperature");
        assertBadRequest("{" + msgs + ",\"top_p\":1.5}", "top_p");
        assertBadRequest("{" + msgs + ",\"seed\":0.5}", "seed");
        assertBadRequest("{" + msgs + ",\"stream\":\"yes\"}", "stream");
        assertBadRequest("{" + msgs + ",\"stream_options\":{\"include_usage\":1}}", "stream_options.include_usage");
        assertBadRequest("{" + msgs + ",\"stop\":5}", "stop");
        assertBadRequest("{" + msgs + ",\"stop\":[\"a\",3]}", "stop[1]");
        assertBadRequest("{" + msgs + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop");
        assertBadRequest("{" + msgs + ",\"stop\":\"\"}", "stop");
    }

    @Test
    void unsupportedParametersAreRefusedNotIgnored() {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertEquals("unsupported_parameter", assertBadRequest("{" + msgs + ",\"n\":2}", "n").get("code").asText());
        assertBadRequest("{" + msgs + ",\"tools\":[{\"type\":\"function\"}]}", "tools");
        assertBadRequest("{" + msgs + ",\"response_format\":{\"type\":\"json_object\"}}", "response_format.type");
        assertBadRequest("{" + msgs + ",\"logprobs\":true}", "logprobs");
        assertBadRequest("{" + msgs + ",\"presence_penalty\":0.5}", "presence_penalty");
        assertBadRequest("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].role");
        // Null, defaults and OpenAI's neutral values are accepted.
        Http.Reply ok = post("{" + msgs + ",\"n\":1,\"tools\":[],\"logprobs\":false,\"presence_penalty\":0,"
                + "\"response_format\":{\"type\":\"text\"},\"temperature\":null,\"max_tokens\":2,\"user\":\"u1\"}");
        assertEquals(200, ok.status(), ok.body());
    }

    // ---- sizes -----------------------------------------------------------------------------------------------

    @Test
    void hugeBodyWithContentLengthIs413() {
        byte[] body = new byte[300 << 10];
        Arrays.fill(body, (byte) ' ');
        HttpRequest r = HttpRequest.newBuilder(chat).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertEquals("request_too_large", assertError(413, send(r)).get("code").asText());
    }

    @Test
    void hugeChunkedBodyIs413() {
        byte[] body = new byte[2 << 20];
        Arrays.fill(body, (byte) ' ');
        HttpRequest r = HttpRequest.newBuilder(chat).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        Http.Reply reply;
        try {
            reply = send(r);
        } catch (RuntimeException e) {
            // The server may close the connection before the client has sent everything: also a refusal.
            return;
        }
        assertError(413, reply);
    }

    @Test
    void imageLimits() {
        // Larger than maxImageBytes (120 000) but within the body limit.
        byte[] big = new byte[150_000];
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(big);
        assertEquals("image_too_large", assertBadRequest(withImage(uri).toString(),
                "messages[0].content[0].image_url.url").get("code").asText());
        ObjectNode three = Http.chat("Three.", 2, "alpha_badge.png", "alpha_badge.png", "alpha_badge.png");
        assertEquals("too_many_images", assertBadRequest(three.toString(), null).get("code").asText());
        // Over the engine's pixel budget: refused from the header.
        JsonNode e = assertError(400, Http.post(smallChat, Http.chat("Describe.", 2, "photo_board.jpg")));
        assertEquals("invalid_image", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("pixel budget"), e.toString());
    }

    @Test
    void contextOverflowIs400() {
        JsonNode e = assertError(400, Http.post(smallChat, Http.chat("word ".repeat(200), 2)));
        assertEquals("context_length_exceeded", e.get("code").asText());
        // A 160×40 image is within the pixel budget but tiles 4 + 1 times: 80 image tokens do not fit in 64.
        BufferedImage wide = new BufferedImage(160, 40, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(wide, "png", png);
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
        e = assertError(400, Http.post(smallChat, withImage(uri)));
        assertEquals("context_length_exceeded", e.get("code").asText());
    }

    // ---- images ----------------------------------------------------------------------------------------------

    @Test
    void badImages() {
        String at = "messages[0].content[0].image_url.url";
        assertEquals("invalid_base64", assertBadRequest(withImage("data:image/png;base64,@@@notbase64@@@").toString(),
                at).get("code").asText());
        assertBadRequest(withImage("data:image/png;base64,QUJD=X").toString(), at);
        assertBadRequest(withImage("data:image/png,rawbytes").toString(), at);
        assertBadRequest(withImage("data:text/plain;base64,aGVsbG8=").toString(), at);
        assertBadRequest(withImage("data:image/png;base64").toString(), at);
        assertBadRequest(withImage("data:image/png;base64,").toString(), at);
        String notAnImage = "data:image/png;base64," + Base64.getEncoder().encodeToString(
                "hello, this is not an image at all".getBytes(StandardCharsets.UTF_8));
        assertEquals("invalid_image", assertBadRequest(withImage(notAnImage).toString(), "messages").get("code").asText());
        byte[] png = TestModel.bytes("alpha_badge.png");
        String truncated = "data:image/png;base64," + Base64.getEncoder().encodeToString(Arrays.copyOf(png, 200));
        assertEquals("invalid_image", assertBadRequest(withImage(truncated).toString(), "messages").get("code").asText());
        // <image> placeholders that do not match the images are the request's fault.
        ObjectNode mismatch = Http.chat("<image> and <image>", 2, "alpha_badge.png");
        assertBadRequest(mismatch.toString(), "messages");
    }

    @Test
    void imageUrlSchemes() {
        String at = "messages[0].content[0].image_url.url";
        JsonNode e = assertBadRequest(withImage("https://example.com/cat.png").toString(), at);
        assertEquals("unsupported_image_url", e.get("code").asText());
        assertBadRequest(withImage("ftp://example.com/cat.png").toString(), at);
        assertBadRequest(withImage("cat.png").toString(), at);
        // file: URLs inside the allowed directory work; outside it (also via ..) they are refused.
        Http.Reply ok = post(withImage(TestModel.image("alpha_badge.png").toUri().toString()).toString());
        assertEquals(200, ok.status(), ok.body());
        assertBadRequest(withImage(TestModel.dir().resolve("config.json").toUri().toString()).toString(), at);
        assertBadRequest(withImage("file://" + TestModel.dir().resolve("images") + "/../config.json").toString(), at);
        assertBadRequest(withImage(TestModel.image("missing.png").toUri().toString()).toString(), at);
        assertBadRequest(withImage("file://otherhost/etc/passwd").toString(), at);
        // A server started without a file directory refuses every file: URL.
        e = assertError(400, Http.post(smallChat, withImage(TestModel.image("alpha_badge.png").toUri().toString())));
        assertEquals("unsupported_image_url", e.get("code").asText());
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------

    @Test
    void apiKey() {
        JsonNode e = assertError(401, Http.post(chat, Http.chat("hi", 2)));
        assertEquals("invalid_api_key", e.get("code").asText());
        assertError(401, Http.post(chat, Http.chat("hi", 2), "Authorization", "Bearer wrong"));
        assertError(401, Http.post(chat, Http.chat("hi", 2), "Authorization", "Basic " + KEY));
        assertError(401, Http.get(URI.create(server.baseUri() + "/models")));
        assertEquals(200, Http.get(URI.create(server.baseUri() + "/models"), "Authorization", "Bearer " + KEY).status());
        assertEquals(200, Http.get(URI.create("http://127.0.0.1:" + server.port() + "/health")).status());
    }

    @Test
    void wrongMethodOrPath() {
        String auth = "Bearer " + KEY;
        assertError(405, Http.get(chat, "Authorization", auth));
        assertError(405, Http.method(chat, "DELETE", "Authorization", auth));
        assertError(405, Http.post(URI.create(server.baseUri() + "/models"), "{}", "Authorization", auth));
        assertError(405, Http.post(URI.create("http://127.0.0.1:" + server.port() + "/health"), "{}"));
        assertError(404, Http.get(URI.create("http://127.0.0.1:" + server.port() + "/"), "Authorization", auth));
        assertError(404, Http.post(URI.create(server.baseUri() + "/completions"), "{}", "Authorization", auth));
        assertError(404, Http.get(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions/x")));
    }

    @Test
    void rawProtocolGarbage() throws IOException {
        for (String junk : new String[]{"GARBAGE\r\n\r\n", "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"partial\":"}) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(junk.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] reply = in.readNBytes(4096);
                String head = new String(reply, StandardCharsets.ISO_8859_1);
                assertTrue(head.isEmpty() || head.startsWith("HTTP/1.1 4"), head);
            }
        }
    }

    private static Http.Reply send(HttpRequest r) {
        try {
            HttpResponse<String> resp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build()
                    .send(r, HttpResponse.BodyHandlers.ofString());
            return new Http.Reply(resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""), resp.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
